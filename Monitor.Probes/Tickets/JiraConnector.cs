using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Monitor.Probes.Tickets;

/// <summary><c>Tickets:Jira</c>: Jira Service Management Cloud, basic auth with an Atlassian API token.</summary>
public sealed class JiraOptions : TicketSystemOptions
{
    public string? Email { get; set; }

    public string? ApiToken { get; set; }

    protected internal override IEnumerable<(string Key, string? Value)> Credentials =>
        [(nameof(Email), Email), (nameof(ApiToken), ApiToken)];
}

/// <summary>
/// Jira Service Management over REST: issues from <c>/rest/api/3/search</c> (JQL on <c>updated</c>, paged by
/// startAt/maxResults/total, changelog expanded for reopens), comments from <c>/rest/api/3/issue/{key}/comment</c>
/// (ADF bodies, <c>jsdPublic</c>), CSAT from <c>/rest/servicedeskapi/request/{key}/feedback</c> and SLA cycles
/// from <c>/rest/servicedeskapi/request/{key}/sla</c>. The requester is the issue's reporter.
/// </summary>
/// <remarks>
/// JQL dates have minute resolution and are read in the API user's profile time zone, so the connector asks
/// <c>/rest/api/3/myself</c> for it. Simplified: a reopen is a status change out of Done/Resolved/Closed/Canceled
/// (status names, not categories); Atlassian's newer <c>/search/jql</c> token paging is not used yet.
/// </remarks>
public sealed class JiraConnector(
    TicketSystem system,
    IHttpClientFactory httpClientFactory,
    JiraOptions options,
    ILogger<JiraConnector> logger)
    : TicketConnectorBase<JiraOptions>(system, httpClientFactory, options, logger)
{
    internal static readonly HashSet<string> ResolvedStatuses =
        new(["Done", "Resolved", "Closed", "Canceled", "Cancelled"], StringComparer.OrdinalIgnoreCase);

    protected override void Authenticate(HttpRequestMessage request) =>
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Options.Email}:{Options.ApiToken}")));

    public override async IAsyncEnumerable<TicketFetch> FetchUpdatedSinceAsync(DateTimeOffset since,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var zone = await UserTimeZoneAsync(cancellationToken);
        var from = TimeZoneInfo.ConvertTime(since, zone).ToString("yyyy/MM/dd HH:mm", CultureInfo.InvariantCulture);
        var jql = Escape($"updated >= \"{from}\" ORDER BY updated ASC");
        for (var startAt = 0; ; )
        {
            var page = (await GetJsonAsync(
                $"/rest/api/3/search?jql={jql}&startAt={startAt}&maxResults={Options.PageSize}"
                    + "&fields=reporter,updated,status&expand=changelog",
                cancellationToken))!.Value;
            var issues = Required(page, "issues");
            var count = 0;
            foreach (var issue in issues.EnumerateArray())
            {
                count++;
                var key = Text(issue, "key");
                DateTimeOffset? updated = Optional(issue, "fields") is { } f && Text(f, "updated") is { } u ? ParseTime(u) : null;
                yield return await ReadTicketAsync(key, updated, () => ReadIssueAsync(issue, cancellationToken));
            }
            startAt += count;
            var total = Text(page, "total") is { } t ? int.Parse(t, CultureInfo.InvariantCulture) : 0;
            if (count == 0 || startAt >= total) yield break;
        }
    }

    private async Task<TimeZoneInfo> UserTimeZoneAsync(CancellationToken cancellationToken)
    {
        var me = (await GetJsonAsync("/rest/api/3/myself", cancellationToken))!.Value;
        return Text(me, "timeZone") is { } id && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
    }

    private async Task<TicketRecord> ReadIssueAsync(JsonElement issue, CancellationToken cancellationToken)
    {
        var key = RequiredText(issue, "key");
        var fields = Required(issue, "fields");
        var updated = RequiredTime(fields, "updated");
        var reporter = Optional(fields, "reporter");
        var reporterId = reporter is { } r ? Text(r, "accountId") : null;
        var comments = await ReadCommentsAsync(key, reporterId, cancellationToken);
        return new TicketRecord(key, reporter is { } rep ? Text(rep, "emailAddress") : null, updated,
            Reopens(issue), await SlaBreachAsync(key, cancellationToken), await FeedbackAsync(key, updated, cancellationToken), comments);
    }

    private async Task<List<TicketComment>> ReadCommentsAsync(string key, string? reporterId, CancellationToken cancellationToken)
    {
        var comments = new List<TicketComment>();
        for (var startAt = 0; ; )
        {
            var page = (await GetJsonAsync(
                $"/rest/api/3/issue/{Escape(key)}/comment?startAt={startAt}&maxResults={Options.PageSize}&orderBy=created",
                cancellationToken))!.Value;
            var items = Required(page, "comments");
            foreach (var c in items.EnumerateArray())
            {
                var author = Optional(c, "author");
                var body = Required(c, "body");
                // jsdPublic is set by Service Management; plain Jira restricts comments through "visibility".
                var isPublic = Optional(c, "jsdPublic") is { } p ? p.ValueKind == JsonValueKind.True : Optional(c, "visibility") is null;
                comments.Add(new TicketComment(RequiredText(c, "id"), author is { } a ? Text(a, "emailAddress") : null, isPublic,
                    reporterId is not null && author is { } au && Text(au, "accountId") == reporterId,
                    body.ValueKind == JsonValueKind.String ? body.GetString()! : body.GetRawText(),
                    body.ValueKind == JsonValueKind.String ? TicketBodyFormat.PlainText : TicketBodyFormat.JiraAdf,
                    RequiredTime(c, "created")));
            }
            startAt += items.GetArrayLength();
            var total = Text(page, "total") is { } t ? int.Parse(t, CultureInfo.InvariantCulture) : 0;
            if (items.GetArrayLength() == 0 || startAt >= total) return comments;
        }
    }

    private static List<TicketReopen> Reopens(JsonElement issue)
    {
        var reopens = new List<TicketReopen>();
        if (Optional(issue, "changelog") is not { } changelog || Optional(changelog, "histories") is not { } histories) return reopens;
        foreach (var history in histories.EnumerateArray())
        {
            if (Optional(history, "items") is not { } items) continue;
            foreach (var item in items.EnumerateArray())
                if (Text(item, "field") == "status" && Text(item, "fromString") is { } from && ResolvedStatuses.Contains(from)
                    && !(Text(item, "toString") is { } to && ResolvedStatuses.Contains(to)))
                    reopens.Add(new TicketReopen(RequiredText(history, "id"), RequiredTime(history, "created")));
        }
        return reopens;
    }

    /// <summary>JSM's CSAT is 1–5 stars: 1 maps to -1 (a hard signal), 3 to 0, 5 to +1. 404 means no feedback.</summary>
    private async Task<TicketSatisfaction?> FeedbackAsync(string key, DateTimeOffset updated, CancellationToken cancellationToken)
    {
        if (await GetJsonAsync($"/rest/servicedeskapi/request/{Escape(key)}/feedback", cancellationToken, notFoundIsNull: true)
            is not { } feedback || Text(feedback, "rating") is not { } text) return null;
        var rating = int.Parse(text, CultureInfo.InvariantCulture);
        if (rating is < 1 or > 5) throw new TicketPayloadException($"feedback rating {rating} is outside 1-5");
        var comment = Optional(feedback, "comment") is { } c ? Text(c, "body") : null;
        return new TicketSatisfaction((rating - 3) / 2.0, rating.ToString(CultureInfo.InvariantCulture), updated, comment);
    }

    private async Task<TicketSlaBreach?> SlaBreachAsync(string key, CancellationToken cancellationToken)
    {
        if (await GetJsonAsync($"/rest/servicedeskapi/request/{Escape(key)}/sla", cancellationToken, notFoundIsNull: true)
            is not { } sla || Optional(sla, "values") is not { } values) return null;
        DateTimeOffset? first = null;
        foreach (var metric in values.EnumerateArray())
        {
            var cycles = Optional(metric, "completedCycles") is { } done ? done.EnumerateArray().ToList() : [];
            if (Optional(metric, "ongoingCycle") is { } ongoing) cycles.Add(ongoing);
            foreach (var cycle in cycles.Where(c => Optional(c, "breached")?.ValueKind == JsonValueKind.True))
            {
                var when = Optional(cycle, "breachTime") is { } b && Text(b, "iso8601") is { } iso ? ParseTime(iso) : (DateTimeOffset?)null;
                if (when is not null && (first is null || when < first)) first = when;
            }
        }
        return first is { } at ? new TicketSlaBreach(at) : null;
    }
}
