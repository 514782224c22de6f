using System.Text.Json;

namespace Monitor.Probes.Tickets;

/// <summary>When an incident's SLA was breached: its <c>task_sla</c> records, read through the Table API.</summary>
public sealed partial class ServiceNowConnector
{
    private const string SlaTable = "task_sla";

    /// <summary>
    /// For an incident with <c>made_sla</c> false: the earliest "Breach time" (<c>planned_end_time</c>) of its task SLAs
    /// with <c>has_breached</c> true, i.e. the moment the first SLA ran out, no later than the incident's update. Without
    /// a readable breached task SLA (no role on task_sla, or none recorded) the update is the date, as before.
    /// </summary>
    private async Task<TicketSlaBreach?> SlaBreachAsync(JsonElement incident, string sysId, string number, DateTimeOffset updated,
        List<string> rejected, CancellationToken cancellationToken)
    {
        if (Text(incident, "made_sla") != "false") return null;
        var query = Escape($"task={sysId}^has_breached=true^ORDERBYplanned_end_time");
        var breaches = new List<DateTimeOffset>();
        foreach (var sla in await OptionalTableAsync(SlaTable,
            $"/api/now/table/{SlaTable}?sysparm_query={query}&sysparm_fields=sys_id,has_breached,planned_end_time", cancellationToken))
        {
            if (Text(sla, "has_breached") == "true"
                && ReadRecord(number, $"task SLA {Text(sla, "sys_id")}", rejected,
                    () => new TicketSlaBreach(Time(RequiredText(sla, "planned_end_time")))) is { } breach)
                breaches.Add(breach.At);
        }
        return new TicketSlaBreach(breaches.Count == 0 ? updated : breaches.Select(b => b <= updated ? b : updated).Min());
    }
}
