using Monitor.Core.Dependencies;
using Prometheus;

namespace Monitor.Worker.Dependencies;

/// <summary>
/// Declaring and resolving incidents for the admin API, the console and the ticket probes: a parent must be one the
/// monitor knows (a site or department of the directory, or a node of the mapping file), so the <c>parent</c> label of
/// the incident series only ever holds names from the configuration, never free text.
/// </summary>
public sealed class IncidentService(IncidentRepository store, DependencyMapping mapping, TimeProvider time, ILogger<IncidentService> logger)
{
    public static readonly Counter Refused = Prometheus.Metrics.CreateCounter("satisfaction_incident_requests_refused_total",
        "Requests to declare or resolve an incident that were refused, by reason.", "reason");

    public const string UnknownParent = "unknown_parent";
    public const string Invalid = "invalid";

    /// <summary>Declares an incident; the problem (already logged and counted) instead when the request is refused.</summary>
    public async Task<(Incident? Incident, string? Problem)> DeclareAsync(string? parent, string? title, string by, CancellationToken ct)
    {
        parent = parent?.Trim();
        title = title?.Trim();
        var problems = new List<string>();
        if (string.IsNullOrEmpty(parent)) problems.Add("parent is required (e.g. \"site:Paris\", \"department:Finance\" or a mapped service).");
        if (string.IsNullOrEmpty(title)) problems.Add("title is required.");
        else if (title.Length > Incident.MaxTitle) problems.Add($"title is {title.Length} characters long; at most {Incident.MaxTitle}.");
        if (problems.Count > 0) return (null, Refuse(Invalid, string.Join(" ", problems)));
        if (!(await KnownParentsAsync(ct)).Contains(parent!))
            return (null, Refuse(UnknownParent, $"parent '{parent}' is neither a site or department of the directory " +
                                                "(site:<name>, department:<name>) nor a node of Dependencies:MappingFile."));
        var (incident, _) = await store.OpenAsync(parent!, title!, Incident.Staff, null, time.GetUtcNow(), by, ct);
        logger.LogWarning("Incident {Incident} declared by {By}: {Parent} is down", incident.Id, by, incident.Parent);
        return (incident, null);
    }

    /// <summary>The parents an incident may name: the directory's groups and the mapping file's nodes.</summary>
    public async Task<IReadOnlySet<string>> KnownParentsAsync(CancellationToken ct)
    {
        var known = new HashSet<string>(mapping.Graph.Nodes, StringComparer.Ordinal);
        foreach (var (_, department, site) in await store.DirectoryAsync(ct))
        {
            known.Add(DependencyGraph.Department(department));
            known.Add(DependencyGraph.Site(site));
        }
        return known;
    }

    /// <summary>The users in the directory under <paramref name="parent"/>, directly or through a chain.</summary>
    public async Task<IReadOnlyList<string>> UsersUnderAsync(string parent, CancellationToken ct) =>
        (await store.DirectoryAsync(ct)).Where(u => mapping.Graph.AncestorsOf(u.Department, u.Site).Contains(parent))
        .Select(u => u.Id).ToList();

    /// <summary>
    /// One user's signals since <paramref name="from"/>, each tagged with the incident that was open on one of their
    /// parents when it was observed: derived when read, so the signal write path does no extra work.
    /// </summary>
    public async Task<IReadOnlyList<TaggedSignal>?> TaggedSignalsAsync(string userId, DateTimeOffset from, CancellationToken ct)
    {
        var user = (await store.DirectoryAsync(ct)).FirstOrDefault(u => u.Id == userId);
        if (user.Id is null) return null;
        var now = time.GetUtcNow();
        var incidents = await store.OverlappingAsync(mapping.Graph.AncestorsOf(user.Department, user.Site), from, now, ct);
        return (await store.SignalsAsync(userId, from, now, ct))
            .Select(s => s with { Incident = incidents.FirstOrDefault(i => i.OpenAt(s.ObservedAt)) }).ToList();
    }

    public string Refuse(string reason, string problem)
    {
        Refused.WithLabels(reason).Inc();
        logger.LogInformation("Incident request refused ({Reason}): {Problem}", reason, problem);
        return problem;
    }
}
