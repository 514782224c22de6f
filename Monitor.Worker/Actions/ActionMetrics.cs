using Microsoft.Extensions.Options;
using Monitor.Core.Evaluation;
using Monitor.Worker.Exporter;
using Prometheus;

namespace Monitor.Worker.Actions;

/// <summary>
/// The "you said, we did" series (docs/metrics.md). The gauges are read from the store on every refresh, so every
/// replica exports the same values; the histogram is observed by the replica that ships. No label carries text a
/// person typed: <c>status</c> is one of two fixed values.
/// </summary>
public sealed class ActionMetrics(ActionRepository store, IOptions<ActionsOptions> options, IOptions<EvaluationOptions> evaluation)
    : IMetricsContributor
{
    private static readonly double Day = TimeSpan.FromDays(1).TotalSeconds;

    public static readonly Gauge Actions = Prometheus.Metrics.CreateGauge(
        "satisfaction_actions", "Actions taken because of feedback, by status (open or shipped).", "status");

    public static readonly Histogram FeedbackAgeAtShip = Prometheus.Metrics.CreateHistogram(
        "satisfaction_action_feedback_age_at_ship_seconds",
        "Time from the first feedback linked to an action to the action shipping, observed when it ships.",
        new HistogramConfiguration { Buckets = [1 * Day, 3 * Day, 7 * Day, 14 * Day, 30 * Day, 60 * Day, 90 * Day, 180 * Day] });

    public static readonly Gauge FeedbackWithoutAction = Prometheus.Metrics.CreateGauge(
        "satisfaction_feedback_without_action",
        "Negative signals with a comment, older than Actions:FeedbackWithoutActionAfter and inside the evaluation window, " +
        "that no action links.");

    public static readonly Gauge LastShipped = Prometheus.Metrics.CreateGauge(
        "satisfaction_last_action_shipped_timestamp_seconds",
        "When the last action taken because of feedback shipped (Unix seconds; 0 before the first).");

    public async Task RefreshAsync(MetricsRefresh refresh, CancellationToken cancellationToken)
    {
        var (open, shipped, last) = await store.CountsAsync(cancellationToken);
        var withoutAction = await store.FeedbackWithoutActionAsync(refresh.Now - evaluation.Value.Window,
            refresh.Now - options.Value.FeedbackWithoutActionAfter, cancellationToken);
        refresh.Publish(() =>
        {
            Actions.WithLabels("open").Set(open);
            Actions.WithLabels("shipped").Set(shipped);
            LastShipped.Set(last?.ToUnixTimeMilliseconds() / 1000.0 ?? 0);
            FeedbackWithoutAction.Set(withoutAction);
        });
    }
}
