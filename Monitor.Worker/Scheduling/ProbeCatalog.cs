using Monitor.Core.Ports;

namespace Monitor.Worker.Scheduling;

/// <summary>
/// The one list of probes this process runs: the directory sync and every registered <see cref="IProbe"/>.
/// Scheduling, the admin API's "run now" and the probe metrics all read it.
/// </summary>
public sealed class ProbeCatalog(IEnumerable<IProbe> probes, IEnumerable<ProbeSchedule> schedules)
{
    public const string Directory = "directory";

    private readonly Dictionary<string, IProbe> _probes = probes.ToDictionary(p => p.Name, StringComparer.Ordinal);

    public IReadOnlyCollection<string> Names => [Directory, .. _probes.Keys];

    public IEnumerable<ProbeSchedule> Schedules => schedules;

    public bool IsProbe(string name) => name == Directory || _probes.ContainsKey(name);

    public IProbe? Find(string name) => _probes.GetValueOrDefault(name);
}

/// <summary>When a probe runs: a Quartz cron expression (seconds first), registered beside the probe.</summary>
public sealed record ProbeSchedule(string Probe, string Cron);
