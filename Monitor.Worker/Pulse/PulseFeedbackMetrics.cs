using Microsoft.Extensions.Options;
using Monitor.Core.Groups;
using Monitor.Probes.Pulse;
using Monitor.Worker.Exporter;
using Monitor.Worker.Privacy;
using Prometheus;

namespace Monitor.Worker.Pulse;

/// <summary>
/// The thank-you page's answers over the last 30 days (docs/pulse.md, "Why and time lost"): counts per configured
/// factor and side, and lost time per department and site with at least <c>Privacy:MinGroupSize</c> respondents.
/// Labels are configured keys and directory groups only, never anything a person typed.
/// </summary>
public sealed class PulseFeedbackMetrics(IPulseFeedbackStore store, IOptions<PulseOptions> pulse, IOptions<PrivacyOptions> privacy)
    : IMetricsContributor
{
    public static readonly TimeSpan Window = TimeSpan.FromDays(30);

    private static readonly Gauge Factors = Prometheus.Metrics.CreateGauge("satisfaction_pulse_factor_answers",
        "Pulse answers of the last 30 days by what they were mostly about (a configured factor) and side (good or bad).",
        "factor", "sentiment");

    private static readonly Gauge LostTime = Prometheus.Metrics.CreateGauge("satisfaction_group_lost_time_answers",
        "Pulse answers of the last 30 days by work time lost because of IT, per group with enough respondents.",
        "group_type", "group", "lost_time");

    private readonly HashSet<string[]> _groups = new(StringArrayComparer.Instance);

    public async Task RefreshAsync(MetricsRefresh refresh, CancellationToken ct)
    {
        var rows = await store.SinceAsync(refresh.Now - Window, ct);
        refresh.Publish(() => Set(rows, refresh.Board));
    }

    private void Set(IReadOnlyList<StoredFeedback> rows, IReadOnlyList<Storage.BoardRow> board)
    {
        var factors = pulse.Value.Factors;
        foreach (var sentiment in new[] { "good", "bad" })
        {
            var offered = factors.For(sentiment == "bad" ? -1 : 0);
            foreach (var f in offered)
                Factors.WithLabels(f, sentiment).Set(rows.Count(r => r.Sentiment == sentiment && r.Factor == f));
        }

        var users = board.ToDictionary(b => b.UserId);
        // Each person counts once per pulse: their lost time is about them, not about each question.
        var answers = rows.Where(r => r.LostTime is not null && users.ContainsKey(r.UserId))
            .GroupBy(r => r.PulseId).Select(g => g.OrderByDescending(r => r.AnsweredAt).First()).ToList();
        var seen = new HashSet<string[]>(StringArrayComparer.Instance);
        foreach (var (type, of) in new (string, Func<StoredFeedback, string>)[]
                 { (GroupRollup.Department, r => users[r.UserId].Department), (GroupRollup.Site, r => users[r.UserId].Site) })
        {
            var minimum = privacy.Value.MinGroupSize;
            foreach (var group in answers.GroupBy(of).Where(g => g.Select(r => r.UserId).Distinct().Count() >= minimum))
            {
                foreach (var lost in LostTimes.All)
                {
                    LostTime.WithLabels(type, group.Key, lost).Set(group.Count(r => r.LostTime == lost));
                    seen.Add([type, group.Key, lost]);
                }
            }
        }
        foreach (var gone in _groups.Where(g => !seen.Contains(g)).ToList()) LostTime.RemoveLabelled(gone);
        _groups.Clear();
        _groups.UnionWith(seen);
    }

    private sealed class StringArrayComparer : IEqualityComparer<string[]>
    {
        public static readonly StringArrayComparer Instance = new();

        public bool Equals(string[]? x, string[]? y) => x is not null && y is not null && x.SequenceEqual(y);

        public int GetHashCode(string[] obj) => string.Join('\u0001', obj).GetHashCode(StringComparison.Ordinal);
    }
}
