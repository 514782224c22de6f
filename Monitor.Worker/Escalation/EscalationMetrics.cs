using Monitor.Core.Evaluation;
using Monitor.Worker.Exporter;
using Monitor.Worker.Storage;
using Prometheus;

namespace Monitor.Worker.Escalation;

/// <summary>
/// The facts the escalation and lapse alerts are computed from (prometheus/rules/satisfaction.rules.yml, group
/// satisfaction-escalation), read from the store on every refresh so that every replica exports the same values.
/// Timestamps rather than durations: a rule's <c>for</c> restarts with Prometheus, a stored moment does not.
/// Who acknowledged and why are typed by a person and never become labels; the console shows them.
/// </summary>
public sealed class EscalationMetrics(AcknowledgementRepository acknowledgements) : IMetricsContributor
{
    /// <summary>Sparse: only users who are down, valued with the moment they went down.</summary>
    public static readonly UserFamily DownSince = new("satisfaction_user_down_since_timestamp_seconds",
        "Present only while the user is down: Unix time the user went down.", sparse: true);

    /// <summary>Sparse: only users still down whose acknowledgement expired, valued with the moment it expired.</summary>
    public static readonly UserFamily AcknowledgementLapsed = new("satisfaction_user_acknowledgement_lapsed_timestamp_seconds",
        "Present only while the user is down and on-call's acknowledgement has expired: Unix time it expired.", sparse: true);

    private readonly Gauge _lapsed = Prometheus.Metrics.CreateGauge("satisfaction_acknowledgements_lapsed",
        "Users still down whose acknowledgement expired (not renewed, not removed), across the cluster.");

    public async Task RefreshAsync(MetricsRefresh refresh, CancellationToken ct)
    {
        var now = refresh.Now;
        // Every acknowledgement: the table holds one row at most per user who is down or was until the last evaluation.
        var acks = await acknowledgements.LoadAsync(null, ct);
        var lapsed = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var r in refresh.Board)
        {
            if (acks.TryGetValue(r.UserId, out var a) && LapsedAt(a, r.State, now) is { } at) lapsed[r.UserId] = at;
        }
        // Anonymous mode: the snapshot has no users, so no per-user series; the count below is not about anyone.
        refresh.Users.Add(DownSince, r => r.State == SatisfactionState.Down && r.StateSince is { } since ? Seconds(since) : double.NaN);
        refresh.Users.Add(AcknowledgementLapsed, r => lapsed.TryGetValue(r.UserId, out var at) ? Seconds(at) : double.NaN);
        var count = lapsed.Count;
        refresh.Publish(() => _lapsed.Set(count));
    }

    /// <summary>
    /// When the acknowledgement expired, for a user still in <paramref name="state"/>; null if it holds or the user is not down.
    /// </summary>
    public static DateTimeOffset? LapsedAt(Acknowledgement ack, SatisfactionState state, DateTimeOffset now) =>
        state == SatisfactionState.Down && ack.ExpiresAt is { } expiry && expiry <= now ? expiry : null;

    private static double Seconds(DateTimeOffset t) => t.ToUnixTimeMilliseconds() / 1000.0;
}
