using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Monitor.Probes.Tickets;

/// <summary><c>Tickets:ServiceNow</c>: basic auth with an integration user.</summary>
public sealed class ServiceNowOptions : TicketSystemOptions
{
    public string? Username { get; set; }

    public string? Password { get; set; }

    protected internal override int MaxPageSize => 10_000;

    protected internal override IEnumerable<(string Key, string? Value)> Credentials =>
        [(nameof(Username), Username), (nameof(Password), Password)];
}

/// <summary>
/// ServiceNow's Table API: incidents from <c>/api/now/table/incident</c> ordered by <c>sys_updated_on</c>
/// (sysparm_offset/limit paging), journal entries from <c>sys_journal_field</c> (<c>comments</c> are visible to
/// the caller, <c>work_notes</c> are internal), <c>reopen_count</c> and <c>made_sla</c> from the incident.
/// </summary>
/// <remarks>
/// Values are read with sysparm_display_value=false, i.e. in UTC. Reopens are keyed by their ordinal and dated
/// from the incident's audit history (ServiceNowConnector.History.cs); survey results are the CSAT. A missed SLA
/// (<c>made_sla</c> false) is dated by its breached <c>task_sla</c> (ServiceNowConnector.Sla.cs).
/// </remarks>
public sealed partial class ServiceNowConnector(
    TicketSystem system,
    IHttpClientFactory httpClientFactory,
    ServiceNowOptions options,
    ILogger<ServiceNowConnector> logger)
    : TicketConnectorBase<ServiceNowOptions>(system, httpClientFactory, options, logger)
{
    protected override void Authenticate(HttpRequestMessage request) =>
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Options.Username}:{Options.Password}")));

    public override async IAsyncEnumerable<TicketFetch> FetchUpdatedSinceAsync(DateTimeOffset since,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        _unreadable.Clear();
        var from = since.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        var query = Escape($"sys_updated_on>={from}^ORDERBYsys_updated_on");
        const string fields =
            "sys_id,number,sys_updated_on,reopen_count,reopened_time,made_sla,caller_id.email,caller_id.user_name";
        await foreach (var incident in PagedAsync(
            $"/api/now/table/incident?sysparm_query={query}&sysparm_fields={fields}", cancellationToken))
        {
            var number = Text(incident, "number") ?? Text(incident, "sys_id");
            var updated = TimeOrNull(incident, "sys_updated_on");
            yield return await ReadTicketAsync(number, updated, () => ReadIncidentAsync(incident, cancellationToken));
        }
    }

    private static DateTimeOffset Time(string text) => TicketTime.Strict(text, t => ParseTime(t));

    /// <summary>
    /// Every row of a Table API query, <c>PageSize</c> at a time by sysparm_offset/sysparm_limit. ServiceNow's <c>Link</c>
    /// header names the next page (<c>rel="next"</c>) and leaves it out on the last; it is followed when present, because
    /// ACLs remove rows after the page is cut (support.servicenow.com KB3047115, "sysparm_limit Returns Fewer Records Than
    /// Requested"), so a short page is not the last one: the next offset is then the page's end, not the rows read. Without
    /// a Link header (ServiceNow leaves it out when everything fits one page) a short page ends the list.
    /// </summary>
    private async IAsyncEnumerable<JsonElement> PagedAsync(
        string pathAndQuery, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var offset = 0; ; )
        {
            var pageQuery = $"{pathAndQuery}&sysparm_display_value=false&sysparm_offset={offset}&sysparm_limit={Options.PageSize}";
            using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, Url(pageQuery)), cancellationToken);
            var result = Required(await ReadJsonAsync(response, pageQuery, cancellationToken), "result");
            foreach (var item in result.EnumerateArray()) yield return item;
            if (response.Headers.TryGetValues("Link", out var links))
            {
                if (!links.Any(link => NextLink().IsMatch(link))) yield break;
                offset += Options.PageSize;
            }
            else
            {
                offset += result.GetArrayLength();
                if (result.GetArrayLength() < Options.PageSize) yield break;
            }
        }
    }

    [GeneratedRegex(@";\s*rel\s*=\s*""?next""?", RegexOptions.IgnoreCase)]
    private static partial Regex NextLink();

    private async Task<TicketRecord> ReadIncidentAsync(JsonElement incident, CancellationToken cancellationToken)
    {
        var sysId = RequiredText(incident, "sys_id");
        var number = RequiredText(incident, "number");
        var updated = Time(RequiredText(incident, "sys_updated_on"));
        var rejected = new List<string>();
        var callerUserName = Text(incident, "caller_id.user_name");
        var comments = new List<TicketComment>();
        var query = Escape($"element_id={sysId}^elementINcomments,work_notes^ORDERBYsys_created_on");
        await foreach (var entry in PagedAsync(
            $"/api/now/table/sys_journal_field?sysparm_query={query}&sysparm_fields=sys_id,element,value,sys_created_on,sys_created_by",
            cancellationToken))
        {
            var createdBy = Text(entry, "sys_created_by");
            if (ReadRecord(number, $"journal entry {Text(entry, "sys_id")}", rejected, () => new TicketComment(
                    RequiredText(entry, "sys_id"), null, Text(entry, "element") == "comments",
                    callerUserName is not null && string.Equals(createdBy, callerUserName, StringComparison.OrdinalIgnoreCase),
                    Text(entry, "value") ?? "", TicketBodyFormat.PlainText, Time(RequiredText(entry, "sys_created_on")))) is { } comment)
                comments.Add(comment);
        }
        var reopens = await ReopensAsync(incident, sysId, number, updated, rejected, cancellationToken);
        var breach = await SlaBreachAsync(incident, sysId, number, updated, rejected, cancellationToken);
        var csat = await SurveyAsync(sysId, number, rejected, cancellationToken);
        return new TicketRecord(number, Text(incident, "caller_id.email"), updated, reopens, breach, csat, comments)
        {
            RejectedRecords = rejected,
        };
    }
}
