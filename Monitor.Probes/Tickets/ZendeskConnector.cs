using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

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
/// Zendesk Support: the cursor-based incremental export <c>/api/v2/incremental/tickets/cursor.json</c>
/// (start_time, then after_cursor until end_of_stream) with users and metric sets sideloaded, and comments from
/// <c>/api/v2/tickets/{id}/comments.json</c> (<c>public</c>, <c>author_id</c>). <c>satisfaction_rating.score</c>
/// good/bad becomes CSAT; offered/unoffered say nothing.
/// </summary>
/// <remarks>
/// Simplified: reopens come from the metric set's <c>reopens</c> count (keyed by ordinal, observed at the
/// ticket's update); SLA breaches are not read (Zendesk exposes policy metrics, not a breached flag).
/// </remarks>
public sealed class ZendeskConnector(
    TicketSystem system,
    IHttpClientFactory httpClientFactory,
    ZendeskOptions options,
    ILogger<ZendeskConnector> logger)
    : TicketConnectorBase<ZendeskOptions>(system, httpClientFactory, options, logger)
{
    protected override void Authenticate(HttpRequestMessage request) =>
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Options.Email}/token:{Options.ApiToken}")));

    public override async IAsyncEnumerable<TicketFetch> FetchUpdatedSinceAsync(DateTimeOffset since,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const string export = "/api/v2/incremental/tickets/cursor.json";
        var next = $"{export}?start_time={since.ToUnixTimeSeconds()}&include=users,metric_sets&per_page={Options.PageSize}";
        while (true)
        {
            var page = (await GetJsonAsync(next, cancellationToken))!.Value;
            var emails = Emails(page);
            var reopens = new Dictionary<string, int>();
            if (Optional(page, "metric_sets") is { } metrics)
                foreach (var m in metrics.EnumerateArray())
                {
                    if (Text(m, "ticket_id") is { } id && Text(m, "reopens") is { } n && int.TryParse(n, out var count))
                        reopens[id] = count;
                }
            foreach (var ticket in Required(page, "tickets").EnumerateArray())
            {
                var id = Text(ticket, "id");
                DateTimeOffset? updated = Text(ticket, "updated_at") is { } u ? ParseTime(u) : null;
                yield return await ReadTicketAsync(id, updated, () => ReadOneAsync(ticket, emails, reopens, cancellationToken));
            }
            if (Optional(page, "end_of_stream")?.ValueKind == JsonValueKind.True || Text(page, "after_cursor") is not { } cursor)
                yield break;
            next = $"{export}?cursor={Escape(cursor)}&include=users,metric_sets&per_page={Options.PageSize}";
        }
    }

    private async Task<TicketRecord> ReadOneAsync(JsonElement ticket, Dictionary<string, string> emails,
        Dictionary<string, int> reopenCounts, CancellationToken cancellationToken)
    {
        var id = RequiredText(ticket, "id");
        var updated = RequiredTime(ticket, "updated_at");
        var requesterId = Text(ticket, "requester_id");
        var comments = new List<TicketComment>();
        // Deleted tickets stay in the export but their comments are gone.
        if (Text(ticket, "status") != "deleted")
        {
            for (var next = $"/api/v2/tickets/{id}/comments.json?include=users"; ; )
            {
                var page = (await GetJsonAsync(next, cancellationToken))!.Value;
                var authors = Emails(page);
                foreach (var c in Required(page, "comments").EnumerateArray())
                {
                    var author = Text(c, "author_id");
                    comments.Add(new TicketComment(RequiredText(c, "id"), author is not null ? authors.GetValueOrDefault(author) : null,
                        Optional(c, "public")?.ValueKind == JsonValueKind.True, author is not null && author == requesterId,
                        Text(c, "body") ?? "", TicketBodyFormat.PlainText, RequiredTime(c, "created_at")));
                }
                if (Text(page, "next_page") is not { Length: > 0 } nextPage) break;
                next = new Uri(nextPage).PathAndQuery;
            }
        }
        TicketSatisfaction? csat = null;
        if (Optional(ticket, "satisfaction_rating") is { } rating && Text(rating, "score") is "good" or "bad")
        {
            var score = Text(rating, "score");
            csat = new TicketSatisfaction(score == "good" ? 1.0 : -1.0, Text(rating, "id") ?? score!, updated, Text(rating, "comment"));
        }
        var reopens = Enumerable.Range(1, reopenCounts.GetValueOrDefault(id))
            .Select(i => new TicketReopen(i.ToString(CultureInfo.InvariantCulture), updated)).ToList();
        return new TicketRecord(id, requesterId is not null ? emails.GetValueOrDefault(requesterId) : null, updated, reopens, null, csat,
            comments);
    }

    private static Dictionary<string, string> Emails(JsonElement page)
    {
        var emails = new Dictionary<string, string>();
        if (Optional(page, "users") is { } users)
            foreach (var user in users.EnumerateArray())
                if (Text(user, "id") is { } id && Text(user, "email") is { } email) emails[id] = email;
        return emails;
    }
}
