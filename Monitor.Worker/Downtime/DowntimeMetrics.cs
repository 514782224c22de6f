using Monitor.Worker.Exporter;
using Prometheus;

namespace Monitor.Worker.Downtime;

/// <summary>
/// <c>satisfaction_user_in_downtime</c>: 1 for each user in downtime now, absent otherwise (sparse, like acknowledged),
/// read from the store on every refresh so that every replica exports the same; the alert rules leave these users out
/// (<c>unless on (user) satisfaction_user_in_downtime</c>). Their other series go on: signals are still recorded.
/// </summary>
public sealed class DowntimeMetrics : IMetricsContributor
{
    public static readonly UserFamily InDowntime = new("satisfaction_user_in_downtime",
        "Present with value 1 only while the user is in a scheduled downtime (no pulses, no alerts).", sparse: true);

    /// <summary>Downtime requests refused (API or console), by a fixed reason; never what was typed.</summary>
    public static readonly Counter Rejected = Metrics.CreateCounter("satisfaction_downtime_requests_rejected_total",
        "Downtime requests refused as invalid, by reason (invalid, unknown_users, unknown_group).", "reason");

    public Task RefreshAsync(MetricsRefresh refresh, CancellationToken cancellationToken)
    {
        refresh.Users.Add(InDowntime, r => refresh.InDowntime.ContainsKey(r.UserId) ? 1 : double.NaN);
        return Task.CompletedTask;
    }
}
