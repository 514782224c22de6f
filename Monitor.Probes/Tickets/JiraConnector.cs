using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;

namespace Monitor.Probes.Tickets;

/// <summary>
/// Jira Service Management over REST. Issues: on Cloud <c>GET /rest/api/3/search/jql</c> (JQL on <c>updated</c>,
/// paged by <c>nextPageToken</c> until <c>isLast</c> or no token; there is no <c>total</c>), on Data Center
/// <c>GET /rest/api/2/search</c> (startAt/maxResults/total); fields asked for explicitly, changelog expanded for reopens
/// and the rating's date. Comments from <c>/rest/api/{3|2}/issue/{key}/comment</c> (ADF on v3, text on v2,
/// <c>jsdPublic</c>), CSAT from <c>/rest/servicedeskapi/request/{key}/feedback</c>, SLA cycles from
/// <c>/rest/servicedeskapi/request/{key}/sla</c>. The requester is the issue's reporter.
/// </summary>
/// <remarks>
/// JQL dates have minute resolution and are read in the API user's profile time zone, so the connector asks
/// <c>/myself</c> for it. Simplified: a reopen is a status change out of Done/Resolved/Closed/Canceled (status names,
/// not categories).
/// </remarks>
public sealed partial class JiraConnector(
    TicketSystem system,
    IHttpClientFactory httpClientFactory,
    JiraOptions options,
    ILogger<JiraConnector> logger)
    : TicketConnectorBase<JiraOptions>(system, httpClientFactory, options, logger), ITicketRequesterSource, IDisposable
{
    private const string SearchFields = "reporter,updated,status";

    internal static readonly HashSet<string> ResolvedStatuses =
        new(["Done", "Resolved", "Closed", "Canceled", "Cancelled"], StringComparer.OrdinalIgnoreCase);

    private string Api => Options.IsCloud ? "/rest/api/3" : "/rest/api/2";

    protected override void Authenticate(HttpRequestMessage request) =>
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Options.Email}:{Options.ApiToken}")));

    public override async IAsyncEnumerable<TicketFetch> FetchUpdatedSinceAsync(DateTimeOffset since,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var zone = await UserTimeZoneAsync(cancellationToken);
        var from = TimeZoneInfo.ConvertTime(since, zone).ToString("yyyy/MM/dd HH:mm", CultureInfo.InvariantCulture);
        var jql = Escape($"updated >= \"{from}\" ORDER BY updated ASC");
        await foreach (var issue in SearchAsync(jql, cancellationToken))
        {
            var key = Text(issue, "key");
            // Not yet validated: a time that is not a date rejects this issue inside ReadTicketAsync, not the run.
            var updated = Optional(issue, "fields") is { } f ? TimeOrNull(f, "updated") : null;
            yield return await ReadTicketAsync(key, updated, () => ReadIssueAsync(issue, cancellationToken));
        }
    }

    private IAsyncEnumerable<JsonElement> SearchAsync(string jql, CancellationToken cancellationToken) =>
        Options.IsCloud ? SearchCloudAsync(jql, cancellationToken) : SearchDataCenterAsync(jql, cancellationToken);

    private async IAsyncEnumerable<JsonElement> SearchCloudAsync(string jql,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (string? token = null; ;)
        {
            var page = (await GetJsonAsync($"/rest/api/3/search/jql?jql={jql}&maxResults={Options.PageSize}&fields={SearchFields}"
                + "&expand=changelog" + (token is null ? "" : "&nextPageToken=" + Escape(token)), cancellationToken))!.Value;
            var issues = Required(page, "issues");
            foreach (var issue in issues.EnumerateArray()) yield return issue;
            // The last page says isLast, or (JRACLOUD-92184) simply has no nextPageToken; there is no total to count to.
            var next = Text(page, "nextPageToken");
            if (Optional(page, "isLast")?.ValueKind == JsonValueKind.True || string.IsNullOrEmpty(next) || issues.GetArrayLength() == 0)
                yield break;
            if (next == token) throw new TicketPayloadException("Jira returned the same nextPageToken twice");
            token = next;
        }
    }

    private async IAsyncEnumerable<JsonElement> SearchDataCenterAsync(string jql,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var startAt = 0; ;)
        {
            var page = await DataCenterPageAsync($"/rest/api/2/search?jql={jql}&startAt={startAt}&maxResults={Options.PageSize}"
                + $"&fields={SearchFields}&expand=changelog", cancellationToken);
            var issues = Required(page, "issues");
            foreach (var issue in issues.EnumerateArray()) yield return issue;
            startAt += issues.GetArrayLength();
            var total = Text(page, "total") is { } t && int.TryParse(t, CultureInfo.InvariantCulture, out var n) ? n : 0;
            if (issues.GetArrayLength() == 0 || startAt >= total) yield break;
        }
    }

    /// <summary>
    /// Atlassian removed <c>/rest/api/{2|3}/search</c> from Jira Cloud (CHANGE-2046; it answers 410 Gone): a Cloud site
    /// taken for Data Center (a custom domain, or <c>Deployment</c> set so) gets a message that says which setting to change.
    /// </summary>
    private async Task<JsonElement> DataCenterPageAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        try
        {
            return (await GetJsonAsync(pathAndQuery, cancellationToken))!.Value;
        }
        catch (HttpRequestException e) when (e.StatusCode == HttpStatusCode.Gone)
        {
            throw new HttpRequestException($"{e.Message}: this is Jira Cloud, where that search API was removed "
                + $"(Atlassian CHANGE-2046); set {SystemInfo.SectionPath}:{nameof(JiraOptions.Deployment)} to {JiraOptions.Cloud}",
                e, e.StatusCode);
        }
    }

    private async Task<TimeZoneInfo> UserTimeZoneAsync(CancellationToken cancellationToken)
    {
        var me = (await GetJsonAsync($"{Api}/myself", cancellationToken))!.Value;
        return Text(me, "timeZone") is { } id && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
    }

    private async Task<TicketRecord> ReadIssueAsync(JsonElement issue, CancellationToken cancellationToken)
    {
        var key = RequiredText(issue, "key");
        var fields = Required(issue, "fields");
        var updated = RequiredTime(fields, "updated");
        var reporter = Person(Optional(fields, "reporter"));
        var rejected = new List<string>();
        var comments = await ReadCommentsAsync(key, reporter?.Id, rejected, cancellationToken);
        var histories = await HistoriesAsync(key, issue, cancellationToken);
        var reopens = histories.Select(history => ReadRecord(key, "changelog entry", rejected, () => Reopen(history)))
            .OfType<TicketReopen>().ToList();
        var sla = await ReadRecordAsync(key, "SLA", rejected, () => SlaBreachAsync(key, cancellationToken));
        var ratedAt = RatedAt(histories) ?? updated;
        var csat = await ReadRecordAsync(key, "satisfaction rating", rejected, () => FeedbackAsync(key, ratedAt, cancellationToken));
        return new TicketRecord(key, reporter?.Email, updated, reopens, sla, csat, comments) { RejectedRecords = rejected };
    }

    private async Task<List<TicketComment>> ReadCommentsAsync(string key, string? reporterId, List<string> rejected,
        CancellationToken cancellationToken)
    {
        var comments = new List<TicketComment>();
        for (var startAt = 0; ;)
        {
            var page = (await GetJsonAsync(
                $"{Api}/issue/{Escape(key)}/comment?startAt={startAt}&maxResults={Options.PageSize}&orderBy=created",
                cancellationToken))!.Value;
            var items = Required(page, "comments");
            foreach (var c in items.EnumerateArray())
            {
                if (ReadRecord(key, $"comment {Text(c, "id")}", rejected, () => Comment(c, reporterId)) is { } comment)
                    comments.Add(comment);
            }
            startAt += items.GetArrayLength();
            var total = Text(page, "total") is { } t && int.TryParse(t, CultureInfo.InvariantCulture, out var n) ? n : 0;
            if (items.GetArrayLength() == 0 || startAt >= total) return comments;
        }
    }

    /// <summary>A comment of the REST API or of a comment webhook (the same shape).</summary>
    internal static TicketComment Comment(JsonElement c, string? reporterId)
    {
        var author = Person(Optional(c, "author"));
        var body = Required(c, "body");
        // jsdPublic is set by Service Management; plain Jira restricts comments through "visibility".
        var isPublic = Optional(c, "jsdPublic") is { } p ? p.ValueKind == JsonValueKind.True : Optional(c, "visibility") is null;
        return new TicketComment(RequiredText(c, "id"), author?.Email, isPublic, reporterId is not null && author?.Id == reporterId,
            body.ValueKind == JsonValueKind.String ? body.GetString()! : body.GetRawText(),
            body.ValueKind == JsonValueKind.String ? TicketBodyFormat.PlainText : TicketBodyFormat.JiraAdf,
            RequiredTime(c, "created"));
    }

    /// <summary>A person: Cloud identifies by <c>accountId</c>, Data Center by <c>key</c> (or <c>name</c>).</summary>
    internal static TicketPerson? Person(JsonElement? person) =>
        person is { ValueKind: JsonValueKind.Object } p && (Text(p, "accountId") ?? Text(p, "key") ?? Text(p, "name")) is { } id
            ? new TicketPerson(id, Text(p, "emailAddress"))
            : null;

    private static TicketReopen? Reopen(JsonElement history)
    {
        if (Optional(history, "items") is not { } items) return null;
        foreach (var item in items.EnumerateArray())
            if (Text(item, "field") == "status" && Text(item, "fromString") is { } from && ResolvedStatuses.Contains(from)
                && !(Text(item, "toString") is { } to && ResolvedStatuses.Contains(to)))
                return new TicketReopen(RequiredText(history, "id"), RequiredTime(history, "created"));
        return null;
    }

    public void Dispose() => _requesters.Dispose();
}
