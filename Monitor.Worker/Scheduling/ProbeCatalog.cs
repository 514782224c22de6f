using Monitor.Core.Ports;
using Monitor.Probes;

namespace Monitor.Worker.Scheduling;

/// <summary>
/// The one list of scheduled work this process knows: every <see cref="ProbeDefinition"/> registered with
/// <c>AddProbe</c> or <c>AddScheduledJob</c>, in any order. Scheduling, the admin API's "run now", the probe
/// metrics and their known label values all read it. Schedules come from the entries' validated options,
/// so the catalogue is only read once the host has validated them.
/// </summary>
public sealed class ProbeCatalog
{
    public const string Directory = "directory";
    public const string Evaluation = "evaluation";

    private readonly IServiceProvider _services;
    private readonly Dictionary<string, ProbeDefinition> _definitions;
    private readonly Lazy<IReadOnlyDictionary<string, JobSchedule>> _scheduled;

    /// <summary>A catalogue with nothing in it (a benchmark's or a test's exporter).</summary>
    public static ProbeCatalog Empty { get; } = new([], new ServiceCollection().BuildServiceProvider());

    public ProbeCatalog(IEnumerable<ProbeDefinition> definitions, IServiceProvider services)
    {
        _services = services;
        _definitions = new Dictionary<string, ProbeDefinition>(StringComparer.Ordinal);
        foreach (var d in definitions)
        {
            if (!_definitions.TryAdd(d.Name, d)) throw new InvalidOperationException($"Two catalogue entries are named '{d.Name}'.");
        }
        _scheduled = new Lazy<IReadOnlyDictionary<string, JobSchedule>>(() => _definitions.Values
            .Select(d => (d.Name, Schedule: d.Schedule(_services)))
            .Where(x => x.Schedule is not null)
            .ToDictionary(x => x.Name, x => x.Schedule!, StringComparer.Ordinal));
    }

    /// <summary>Every entry, switched on or not.</summary>
    public IReadOnlyCollection<ProbeDefinition> Definitions => _definitions.Values;

    /// <summary>The entries switched on, with their schedules.</summary>
    public IReadOnlyDictionary<string, JobSchedule> Scheduled => _scheduled.Value;

    /// <summary>The probes switched on: the <c>probe</c> label values.</summary>
    public IReadOnlyCollection<string> Names =>
        [.. Scheduled.Keys.Where(n => _definitions[n].IsProbe).Order(StringComparer.Ordinal)];

    public bool IsProbe(string name) => Scheduled.ContainsKey(name) && _definitions[name].IsProbe;

    /// <summary>Whether <paramref name="name"/> is scheduled work that may be run now (a probe or a job).</summary>
    public bool IsScheduled(string name) => Scheduled.ContainsKey(name);

    /// <summary>Builds the work of a scheduled entry, or null when there is none by that name.</summary>
    public IProbe? Create(string name) =>
        Scheduled.ContainsKey(name) ? _definitions[name].Create(_services) : null;
}
