using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Monitor.Core;

namespace Monitor.Probes.Tickets;

/// <summary>
/// What ServiceNow keeps beside the incident: when each reopen happened (<c>sys_audit</c> rows of the incident's
/// <c>reopen_count</c>) and the survey the caller answered (<c>asmt_assessment_instance</c> whose trigger or task is the
/// incident, its answers in <c>asmt_metric_result</c>). Both are read through the Table API and both are optional:
/// an instance without the survey plugin answers 404, a user without the role 403; the run goes on without them
/// and says so once.
/// </summary>
public sealed partial class ServiceNowConnector
{
    private const string AuditTable = "sys_audit";
    private const string SurveyTable = "asmt_assessment_instance";
    private const string ResultTable = "asmt_metric_result";
    private readonly HashSet<string> _unreadable = [];

    /// <summary>
    /// One reopen per ordinal up to <c>reopen_count</c>, keyed by it as before; dated by the audit row that set
    /// that count, else the last one by <c>reopened_time</c>, else (no history readable) the incident's update.
    /// </summary>
    private async Task<List<TicketReopen>> ReopensAsync(JsonElement incident, string sysId, string number, DateTimeOffset updated,
        List<string> rejected, CancellationToken cancellationToken)
    {
        var count = Text(incident, "reopen_count") is { Length: > 0 } r ? int.Parse(r, CultureInfo.InvariantCulture) : 0;
        if (count <= 0) return [];
        var ordinal = (int i) => i.ToString(CultureInfo.InvariantCulture);
        var last = Text(incident, "reopened_time") is { Length: > 0 } l
            ? ReadRecord(number, "reopened_time", rejected, () => new TicketReopen(ordinal(count), Time(l)))
            : null;
        var audited = new Dictionary<string, TicketReopen>();
        var query = Escape($"tablename=incident^documentkey={sysId}^fieldname=reopen_count^ORDERBYsys_created_on");
        foreach (var row in await OptionalTableAsync(AuditTable,
            $"/api/now/table/{AuditTable}?sysparm_query={query}&sysparm_fields=sys_id,newvalue,sys_created_on", cancellationToken))
        {
            if (ReadRecord(number, $"audit row {Text(row, "sys_id")}", rejected, () => new TicketReopen(
                    ordinal(int.Parse(RequiredText(row, "newvalue"), CultureInfo.InvariantCulture)),
                    Time(RequiredText(row, "sys_created_on")))) is { } reopen)
                audited[reopen.Key] = reopen;
        }
        return [.. Enumerable.Range(1, count).Select(ordinal).Select(key =>
            audited.GetValueOrDefault(key) ?? (key == last?.Key ? last : new TicketReopen(key, updated)))];
    }

    /// <summary>
    /// The newest completed survey instance triggered by the incident, dated when it was taken. Its scale answers
    /// (actual_value between the metric's min and max, higher is better) are averaged into [-1, +1]; its text
    /// answers (string_value of string questions) are the person's words.
    /// </summary>
    private async Task<TicketSatisfaction?> SurveyAsync(string sysId, string number, List<string> rejected,
        CancellationToken cancellationToken)
    {
        var query = Escape($"trigger_id={sysId}^ORtask_id={sysId}^state=complete^ORDERBYDESCtaken_on");
        var instances = await OptionalTableAsync(SurveyTable,
            $"/api/now/table/{SurveyTable}?sysparm_query={query}&sysparm_fields=sys_id,number,taken_on", cancellationToken);
        if (instances.Count == 0) return null;
        var instance = instances[0];
        var resultQuery = Escape($"instance={Text(instance, "sys_id")}");
        var results = await OptionalTableAsync(ResultTable, $"/api/now/table/{ResultTable}?sysparm_query={resultQuery}" +
            "&sysparm_fields=sys_id,actual_value,string_value,metric.datatype,metric.min,metric.max", cancellationToken);
        return ReadRecord(number, $"survey {Text(instance, "number")}", rejected, () => Survey(instance, results));
    }

    private static TicketSatisfaction? Survey(JsonElement instance, List<JsonElement> results)
    {
        var scores = new List<double>();
        var words = new List<string>();
        foreach (var result in results)
        {
            if (Text(result, "metric.datatype") == "string")
            {
                if (Text(result, "string_value") is { Length: > 0 } text && text != "N/A") words.Add(text.Trim());
                continue;
            }
            // -1 is ServiceNow's "excluded response": not answered, "Not Applicable", or a date/string type (docs.servicenow.com
            // "Assessment results", Excluded Responses); it says nothing about the person's satisfaction.
            if (Number(result, "metric.min") is not { } min || Number(result, "metric.max") is not { } max || max <= min
                || Number(result, "actual_value") is not { } value || value == Excluded) continue;
            if (value < min || value > max) throw new TicketPayloadException($"answer {value} is outside {min}-{max}");
            scores.Add(2 * (value - min) / (max - min) - 1);
        }
        if (scores.Count == 0) return null;
        return new TicketSatisfaction(scores.Average(), RequiredText(instance, "sys_id"), Time(RequiredText(instance, "taken_on")),
            words.Count > 0 ? string.Join("\n", words) : null);
    }

    private const double Excluded = -1;

    private static double? Number(JsonElement element, string name) =>
        Text(element, name) is { Length: > 0 } text ? double.Parse(text, CultureInfo.InvariantCulture) : null;

    /// <summary>A table this run may not be allowed to read (403) or that the instance lacks (404): empty then.</summary>
    private async Task<List<JsonElement>> OptionalTableAsync(string table, string pathAndQuery, CancellationToken cancellationToken)
    {
        if (_unreadable.Contains(table)) return [];
        var rows = new List<JsonElement>();
        try
        {
            await foreach (var row in PagedAsync(pathAndQuery, cancellationToken)) rows.Add(row);
            return rows;
        }
        catch (Exception e) when (e is TicketAuthenticationException
                                      || (e is HttpRequestException { StatusCode: HttpStatusCode.NotFound }))
        {
            // The incidents were just read with the same credentials: a refusal here is the table's ACL.
            _unreadable.Add(table);
            Logger.LogWarning("{Probe}: table {Table} cannot be read ({Reason}); this run goes on without it",
                SystemInfo.ProbeName, table, LogSafe.Value(e.Message));
            return [];
        }
    }
}
