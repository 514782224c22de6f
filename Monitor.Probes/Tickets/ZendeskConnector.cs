using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Monitor.Core;

namespace Monitor.Probes.Tickets;

/// <summary><c>Tickets:Zendesk</c>: basic auth as <c>{Email}/token:{ApiToken}</c>.</summary>
public sealed class ZendeskOptions : TicketSystemOptions
{
    public string? Email { get; set; }

    public string? ApiToken { get; set; }

    protected internal override int MaxPageSize => 1000;

    protected internal override IEnumerable<(string Key, string? Value)> Credentials =>
        [(nameof(Email), Email), (nameof(ApiToken), ApiToken)];
}

/// <summary>
/// Zendesk Support (API v2): the cursor-based incremental export <c>/api/v2/incremental/tickets/cursor.json</c>
/// (start_time, then after_cursor until end_of_stream) with users sideloaded; per ticket its comments
/// (<c>/api/v2/tickets/{id}/comments.json</c>: <c>public</c>, <c>author_id</c>) and audits
/// (<c>/api/v2/tickets/{id}/audits.json</c>: status changes out of solved/closed are reopens, dated by the audit; the
/// satisfaction rating's audit dates the CSAT). <c>satisfaction_rating.score</c> good/bad becomes CSAT; offered and
/// unoffered say nothing; on an account with the CSAT survey its responses are the CSAT (ZendeskConnector.Surveys.cs).
/// SLA breaches come from the ticket metric events (<c>/api/v2/incremental/ticket_metric_events</c>,
/// <c>type</c> breach), read once per run; breached tickets the export does not hold (an SLA runs out without updating
/// the ticket) are read afterwards through <c>/api/v2/tickets/show_many.json</c>.
/// </summary>
public sealed partial class ZendeskConnector(
    TicketSystem system,
    IHttpClientFactory httpClientFactory,
    ZendeskOptions options,
    ILogger<ZendeskConnector> logger)
    : TicketConnectorBase<ZendeskOptions>(system, httpClientFactory, options, logger), ITicketRequesterSource, IDisposable
{
    protected override void Authenticate(HttpRequestMessage request) =>
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Options.Email}/token:{Options.ApiToken}")));

    public override async IAsyncEnumerable<TicketFetch> FetchUpdatedSinceAsync(DateTimeOffset since,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const string export = "/api/v2/incremental/tickets/cursor.json";
        var next = $"{export}?start_time={since.ToUnixTimeSeconds()}&include=users&per_page={Options.PageSize}";
        Dictionary<string, DateTimeOffset>? breaches = null;
        var exported = new HashSet<string>();
        var cursors = new HashSet<string>(StringComparer.Ordinal);
        var surveyState = new SurveyState();
        while (true)
        {
            var page = (await GetJsonAsync(next, cancellationToken))!.Value;
            // After the first page, so that bad credentials fail on the export and not on this admin-only list.
            breaches ??= await SlaBreachesAsync(since, cancellationToken);
            var emails = Emails(page);
            var tickets = Required(page, "tickets");
            var surveys = await SurveyResponsesAsync(TicketIds(tickets), surveyState, cancellationToken);
            foreach (var ticket in tickets.EnumerateArray())
            {
                var id = Text(ticket, "id");
                if (id is not null) exported.Add(id);
                // Not yet validated: a time that is not a date rejects this ticket inside ReadTicketAsync, not the run.
                var updated = TimeOrNull(ticket, "updated_at");
                yield return await ReadTicketAsync(id, updated, () => ReadOneAsync(ticket, emails, breaches, surveys, cancellationToken));
            }
            if (Optional(page, "end_of_stream")?.ValueKind == JsonValueKind.True || Text(page, "after_cursor") is not { } cursor)
                break;
            // A cursor that does not move would read the same page for ever: the run stops there and says so.
            if (!cursors.Add(cursor))
            {
                Logger.LogWarning("zendesk: the ticket export gave cursor {Cursor} again without end_of_stream; this run stops reading there",
                    LogSafe.Value(cursor));
                break;
            }
            next = $"{export}?cursor={Escape(cursor)}&include=users&per_page={Options.PageSize}";
        }
        // An SLA runs out by the clock, without updating the ticket: a breached ticket may be missing from the export.
        await foreach (var fetch in BreachedOutsideExportAsync(breaches!, exported, surveyState, cancellationToken)) yield return fetch;
    }

    private async Task<TicketRecord> ReadOneAsync(JsonElement ticket, Dictionary<string, string> emails,
        Dictionary<string, DateTimeOffset> breaches, Dictionary<string, List<JsonElement>> surveys, CancellationToken cancellationToken)
    {
        var id = RequiredText(ticket, "id");
        var updated = RequiredTime(ticket, "updated_at");
        var requesterId = Text(ticket, "requester_id");
        var rejected = new List<string>();
        var comments = new List<TicketComment>();
        var history = new TicketHistory([], null);
        // Deleted tickets stay in the export but their comments and audits are gone.
        if (Text(ticket, "status") != "deleted")
        {
            for (var next = $"/api/v2/tickets/{id}/comments.json?include=users"; ;)
            {
                var page = (await GetJsonAsync(next, cancellationToken))!.Value;
                var authors = Emails(page);
                foreach (var c in Required(page, "comments").EnumerateArray())
                {
                    if (ReadRecord(id, $"comment {Text(c, "id")}", rejected, () => Comment(c, requesterId, authors)) is { } comment)
                        comments.Add(comment);
                }
                if (NextPage(page, next) is not { } nextPage) break;
                next = nextPage;
            }
            history = await HistoryAsync(id, rejected, cancellationToken);
        }
        // An account runs either the CSAT survey or the legacy rating: the newest survey response wins over a legacy rating.
        TicketSatisfaction? csat = null;
        foreach (var response in surveys.GetValueOrDefault(id) ?? [])
            if (ReadRecord(id, $"survey response {Text(response, "id")}", rejected, () => SurveyRating(response)) is { } s
                && (csat is null || s.At > csat.At))
                csat = s;
        csat ??= ReadRecord(id, "satisfaction rating", rejected, () => Satisfaction(ticket, history.RatedAt ?? updated));
        var sla = breaches.TryGetValue(id, out var breachedAt) ? new TicketSlaBreach(breachedAt) : null;
        return new TicketRecord(id, requesterId is not null ? emails.GetValueOrDefault(requesterId) : null, updated, history.Reopens, sla,
            csat, comments) { RejectedRecords = rejected };
    }

    private static TicketComment Comment(JsonElement c, string? requesterId, Dictionary<string, string> authors)
    {
        var author = Text(c, "author_id");
        return new TicketComment(RequiredText(c, "id"), author is not null ? authors.GetValueOrDefault(author) : null,
            Optional(c, "public")?.ValueKind == JsonValueKind.True, author is not null && author == requesterId,
            Text(c, "body") ?? "", TicketBodyFormat.PlainText, RequiredTime(c, "created_at"));
    }

    private static TicketSatisfaction? Satisfaction(JsonElement ticket, DateTimeOffset ratedAt)
    {
        if (Optional(ticket, "satisfaction_rating") is not { } rating || Text(rating, "score") is not ("good" or "bad")) return null;
        var score = Text(rating, "score")!;
        return new TicketSatisfaction(score == "good" ? 1.0 : -1.0, RatingKey(score), ratedAt, Text(rating, "comment"));
    }

    /// <summary>
    /// A rating's key is its score, not <c>satisfaction_rating.id</c>: the trigger that pushes a rating has no placeholder
    /// for the id, so keying by it made one rating two signals when the trigger and the probe were both on. A change of
    /// mind (bad, then good) is still a second signal.
    /// </summary>
    internal static string RatingKey(string score) => score;

    /// <summary>
    /// The budget Zendesk says is spent (developer.zendesk.com "Best practices for avoiding rate limiting"): the account-wide
    /// <c>ratelimit-remaining: 0</c> with <c>ratelimit-reset</c> (seconds), or an endpoint's own
    /// <c>zendesk-ratelimit-&lt;endpoint&gt;: total=100; remaining=0; resets=41</c>; the longest such wait. Zendesk documents
    /// no header for the incremental export's own 10 requests a minute, whose 429 and Retry-After remain the guard there.
    /// </summary>
    protected override TimeSpan? BudgetSpent(HttpResponseMessage response)
    {
        TimeSpan? wait = null;
        foreach (var (name, values) in response.Headers.NonValidated)
        {
            var value = string.Join(",", values);
            int? seconds = null;
            if (name.Equals("ratelimit-remaining", StringComparison.OrdinalIgnoreCase) && value.Trim() == "0"
                && response.Headers.NonValidated.TryGetValues("ratelimit-reset", out var reset))
                seconds = Seconds(string.Join(",", reset));
            else if (name.StartsWith("zendesk-ratelimit-", StringComparison.OrdinalIgnoreCase))
            {
                var fields = value.Split(';').Select(f => f.Split('=', 2)).Where(f => f.Length == 2)
                    .Select(f => (Name: f[0].Trim(), Value: f[1].Trim())).ToList();
                string? Field(string key) =>
                    fields.FirstOrDefault(f => f.Name.Equals(key, StringComparison.OrdinalIgnoreCase)).Value;
                if (Field("remaining") == "0") seconds = Seconds(Field("resets"));
            }
            if (seconds is { } s && (wait is null || TimeSpan.FromSeconds(s) > wait)) wait = TimeSpan.FromSeconds(s);
        }
        return wait;

        static int? Seconds(string? text) =>
            int.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                ? n : null;
    }

    /// <summary>
    /// The path and query of an offset list's <c>next_page</c>; null on the last page, and when it names the page just read
    /// (which would be read for ever).
    /// </summary>
    private static string? NextPage(JsonElement page, string current) =>
        Text(page, "next_page") is { Length: > 0 } url && new Uri(url).PathAndQuery is var next && next != current ? next : null;

    private static IEnumerable<string> TicketIds(JsonElement tickets) =>
        tickets.ValueKind == JsonValueKind.Array ? tickets.EnumerateArray().Select(t => Text(t, "id")).OfType<string>() : [];

    private static Dictionary<string, string> Emails(JsonElement page)
    {
        var emails = new Dictionary<string, string>();
        if (Optional(page, "users") is { } users)
            foreach (var user in users.EnumerateArray())
                if (Text(user, "id") is { } id && Text(user, "email") is { } email) emails[id] = email;
        return emails;
    }
}
