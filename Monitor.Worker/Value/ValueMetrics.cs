using Microsoft.Extensions.Options;
using Monitor.Core.Value;
using Monitor.Worker.Exporter;
using Monitor.Worker.Privacy;
using Prometheus;

namespace Monitor.Worker.Value;

/// <summary>
/// Exports the value report: the mean answer per group, rank and dimension, and the rank gap. Only what
/// <see cref="ValueAlignment"/> publishes is exported; a series disappears when its group no longer may be shown.
/// </summary>
public sealed class ValueMetrics(ValueRepository answers, IOptions<ValueOptions> value, IOptions<PrivacyOptions> privacy)
    : IMetricsContributor
{
    private static readonly Gauge Score = Prometheus.Metrics.CreateGauge("satisfaction_group_value_score",
        "Mean answer in [-1, 1] to the value question of the dimension, by group and rank, where enough distinct people answered.",
        "group_type", "group", "dimension", "rank");

    private static readonly Gauge Gap = Prometheus.Metrics.CreateGauge("satisfaction_rank_gap",
        "Management's mean value answer minus individual contributors', where both sides are large enough to publish.",
        "group_type", "group", "dimension");

    private HashSet<(string, string, string, string)> _scores = [];
    private HashSet<(string, string, string)> _gaps = [];

    public async Task RefreshAsync(MetricsRefresh refresh, CancellationToken cancellationToken)
    {
        var window = value.Value.Window;
        var list = await answers.AnswersAsync(refresh.Now - window, refresh.Now, cancellationToken);
        var report = ValueAlignment.Compute(list, refresh.Now, window, privacy.Value.MinGroupSize);
        refresh.Publish(() => Set(report));
    }

    private void Set(ValueReport report)
    {
        var scores = new HashSet<(string, string, string, string)>();
        foreach (var s in report.Scores)
        {
            Score.WithLabels(s.GroupType, s.Group, s.Dimension, s.Rank).Set(s.Mean);
            scores.Add((s.GroupType, s.Group, s.Dimension, s.Rank));
        }
        foreach (var (t, g, d, r) in _scores.Where(k => !scores.Contains(k))) Score.RemoveLabelled(t, g, d, r);
        _scores = scores;

        var gaps = new HashSet<(string, string, string)>();
        foreach (var g in report.Gaps)
        {
            Gap.WithLabels(g.GroupType, g.Group, g.Dimension).Set(g.Gap);
            gaps.Add((g.GroupType, g.Group, g.Dimension));
        }
        foreach (var (t, g, d) in _gaps.Where(k => !gaps.Contains(k))) Gap.RemoveLabelled(t, g, d);
        _gaps = gaps;
    }
}
