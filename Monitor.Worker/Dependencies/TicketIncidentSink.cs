using System.Collections.Concurrent;
using Monitor.Core.Dependencies;
using Monitor.Probes.Tickets;

namespace Monitor.Worker.Dependencies;

/// <summary>
/// Opens and resolves incidents for ticket systems' major incidents. The affected service's display name must be a parent
/// the monitor knows (a node of the mapping file, or a <c>site:</c>/<c>department:</c> group), so that a CMDB name never
/// becomes a label by itself; an unknown one is logged once per name, counted and the ticket skipped.
/// </summary>
public sealed class TicketIncidentSink(IncidentRepository store, IncidentService incidents, ILogger<TicketIncidentSink> logger)
    : IMajorIncidentSink
{
    private readonly ConcurrentDictionary<string, bool> _unknownLogged = new(StringComparer.Ordinal);

    public async Task<MajorIncidentOutcome> ApplyAsync(string system, TicketMajorIncident incident, CancellationToken cancellationToken)
    {
        if (!incident.Open)
            return await store.ResolveExternalAsync(system, incident.Key, incident.UpdatedAt, system, cancellationToken)
                ? MajorIncidentOutcome.Resolved
                : MajorIncidentOutcome.NothingToResolve;
        var known = await incidents.KnownParentsAsync(cancellationToken);
        if (incident.Services.FirstOrDefault(known.Contains) is not { } parent)
        {
            IncidentService.Refused.WithLabels(IncidentService.UnknownParent).Inc();
            var names = incident.Services.Count == 0 ? "(none)" : string.Join(", ", incident.Services);
            if (_unknownLogged.TryAdd($"{system}\n{names}", true))
                logger.LogWarning("{System} major incident {Ticket} skipped: its service {Services} is no parent of the monitor " +
                                  "(add it to Dependencies:MappingFile); logged once per service", system, incident.Key, names);
            return MajorIncidentOutcome.UnknownService;
        }
        var title = incident.Title.Trim() is { Length: > 0 } t ? t : incident.Key;
        if (title.Length > Incident.MaxTitle) title = title[..Incident.MaxTitle];
        var (opened, created) = await store.OpenAsync(parent, title, system, incident.Key, incident.UpdatedAt, system, cancellationToken);
        if (created)
            logger.LogWarning("Incident {Incident} opened from {System} {Ticket}: {Parent} is down", opened.Id, system, incident.Key, parent);
        return created ? MajorIncidentOutcome.Opened : MajorIncidentOutcome.AlreadyOpen;
    }
}
