namespace Monitor.Probes.Tickets;

/// <summary>
/// A ticket system that flags major incidents (ServiceNow's <c>major_incident_state</c>): the probe
/// <c>major_incidents_&lt;system&gt;</c> reads them and opens or resolves the monitor's incidents through
/// <see cref="IMajorIncidentSink"/>.
/// </summary>
public interface IMajorIncidentSource
{
    /// <summary>The ticket system's key (<c>servicenow</c>): the incident's source.</summary>
    string System { get; }

    /// <summary>Tickets in the major-incident life cycle updated at or after <paramref name="since"/>, oldest update first.</summary>
    IAsyncEnumerable<TicketMajorIncident> MajorIncidentsUpdatedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken);
}

/// <param name="Key">The ticket's number (<c>INC0010001</c>): the incident's external reference.</param>
/// <param name="Services">What it affects, most specific first (business service, then configuration item); display names.</param>
/// <param name="Open">An accepted major incident not yet resolved, closed or cancelled.</param>
public sealed record TicketMajorIncident(string Key, string Title, IReadOnlyList<string> Services, bool Open, DateTimeOffset UpdatedAt);

/// <summary>What became of one major incident in the monitor.</summary>
public enum MajorIncidentOutcome
{
    Opened,
    AlreadyOpen,
    Resolved,
    NothingToResolve,
    UnknownService,
}

/// <summary>Opens and resolves the monitor's incidents for tickets (the worker's incident store).</summary>
public interface IMajorIncidentSink
{
    Task<MajorIncidentOutcome> ApplyAsync(string system, TicketMajorIncident incident, CancellationToken cancellationToken);
}
