using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace Monitor.Probes.Tickets;

/// <summary>
/// Major incidents from the Table API: incidents whose <c>major_incident_state</c> is set (proposed, accepted, rejected,
/// canceled: ServiceNow's Major Incident Management), with the affected <c>business_service</c> and <c>cmdb_ci</c>
/// dot-walked to their names, since the paging reads raw values (sysparm_display_value=false) and a raw reference is a sys_id.
/// </summary>
public sealed partial class ServiceNowConnector : IMajorIncidentSource
{
    // Incident states: 6 Resolved, 7 Closed, 8 Canceled (the incident table's state choices).
    private static readonly string[] EndedStates = ["6", "7", "8"];

    public async IAsyncEnumerable<TicketMajorIncident> MajorIncidentsUpdatedSinceAsync(DateTimeOffset since,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var from = since.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        var query = Escape($"major_incident_stateISNOTEMPTY^sys_updated_on>={from}^ORDERBYsys_updated_on");
        const string fields = "number,short_description,state,major_incident_state,sys_updated_on,business_service.name,cmdb_ci.name";
        await foreach (var incident in PagedAsync($"/api/now/table/incident?sysparm_query={query}&sysparm_fields={fields}",
                           cancellationToken))
        {
            // A record without its number or time can be neither matched nor dated: skipped, so that it cannot stall the run.
            if (Text(incident, "number") is not { Length: > 0 } number || TimeOrNull(incident, "sys_updated_on") is not { } updated)
            {
                Logger.LogWarning("servicenow major incident skipped: no number or sys_updated_on");
                continue;
            }
            var services = new[] { Text(incident, "business_service.name"), Text(incident, "cmdb_ci.name") }
                .Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s!.Trim()).ToList();
            var open = Text(incident, "major_incident_state") == "accepted" && !EndedStates.Contains(Text(incident, "state"));
            yield return new TicketMajorIncident(number, Text(incident, "short_description") ?? number, services, open, updated);
        }
    }
}
