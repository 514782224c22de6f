using Prometheus;

namespace Monitor.Worker.UserDirectory;

/// <summary>The directory import's refusals (docs/metrics.md); the reasons are fixed words, never file content.</summary>
public static class DirectoryMetrics
{
    private static readonly Counter ImportsRefused = Metrics.CreateCounter(
        "satisfaction_directory_imports_refused_total",
        "Directory imports refused as a whole, by reason; the stored directory was left unchanged.", "reason");

    /// <summary>Every reason exported at 0 from the start, so that an alert on increase() sees the first refusal.</summary>
    public static void Initialise()
    {
        foreach (var reason in DirectoryRefusal.All) ImportsRefused.WithLabels(reason);
    }

    public static void Refused(string reason) => ImportsRefused.WithLabels(reason).Inc();

    /// <summary>The count for one reason (tests).</summary>
    public static double Count(string reason) => ImportsRefused.WithLabels(reason).Value;
}
