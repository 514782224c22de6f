using Monitor.Core.Signals;
using Monitor.Probes.Pulse;
using Monitor.Probes.Tickets;
using Prometheus;

namespace Monitor.Worker.Exporter;

/// <summary>
/// The process's pipeline metrics (docs/metrics.md). Per-user and per-group series are kept by
/// <see cref="UserMetricsExporter"/>; these are the counters and gauges of the machinery around them.
/// </summary>
public static class MonitorMetrics
{
    public static readonly Counter SignalsReceived = Metrics.CreateCounter(
        "satisfaction_signals_received_total", "Signals stored, by kind (duplicates are not counted).", "kind");

    public static readonly Counter SignalsRejected = Metrics.CreateCounter(
        "satisfaction_signals_rejected_total", "Signals refused as invalid, by reason.", "reason");

    public static readonly Counter StateChanges = Metrics.CreateCounter(
        "satisfaction_state_changes_total", "State changes logged by this process, by the state entered.", "to");

    public static readonly Gauge EvaluationDuration = Metrics.CreateGauge(
        "satisfaction_evaluation_duration_seconds", "Duration of the last evaluation cycle.");

    public static readonly Gauge EvaluationUsers = Metrics.CreateGauge(
        "satisfaction_evaluation_users_evaluated", "Users evaluated in the last evaluation cycle.");

    public static readonly Gauge DirectoryUsers = Metrics.CreateGauge(
        "satisfaction_directory_users", "Users currently in the directory.");

    public static readonly Counter DirectoryRowsRejected = Metrics.CreateCounter(
        "satisfaction_directory_rows_rejected_total", "Malformed directory rows; a file with any is not imported.");

    public static readonly Gauge ProbeSuccess = Metrics.CreateGauge(
        "satisfaction_probe_success", "1 when the probe's last run succeeded.", "probe");

    public static readonly Gauge ProbeDuration = Metrics.CreateGauge(
        "satisfaction_probe_duration_seconds", "How long the probe's last run took.", "probe");

    public static readonly Gauge ProbeLastSuccess = Metrics.CreateGauge(
        "satisfaction_probe_last_success_timestamp_seconds", "Unix time of the probe's last successful run.", "probe");
    public static readonly Counter PulsesSent = Metrics.CreateCounter(
        "satisfaction_pulses_sent_total", "Pulse e-mails handed to the mail server (or the pickup folder).");

    public static readonly Counter PulsesNotSent = Metrics.CreateCounter(
        "satisfaction_pulses_not_sent_total",
        "Queued pulses not sent: the person left the directory, unsubscribed or lost their address before it went.");

    public static readonly Counter PulseAnswers = Metrics.CreateCounter(
        "satisfaction_pulse_answers_total", "Human answers to pulses recorded (changes of an answer included).");

    public static readonly Counter LinkScannerHits = Metrics.CreateCounter(
        "satisfaction_link_scanner_hits_total", "Fetches of pulse links judged to be a mail scanner, not a person, and ignored.", "reason");

    public static readonly Gauge OutboxBacklog = Metrics.CreateGauge(
        "satisfaction_outbox_backlog", "Messages waiting in the outbox.");

    public static readonly Gauge PulseResponseRatio = Metrics.CreateGauge(
        "satisfaction_pulse_response_ratio", "Answered over answered-or-expired pulses created in the last 30 days.");

    /// <summary>
    /// Publishes every known label value at zero, so that rates and alerts see a counter from its first
    /// scrape instead of a series that appears only at its first increment.
    /// </summary>
    public static void InitialiseKnownSeries(IEnumerable<string> probes)
    {
        foreach (var state in Enum.GetValues<Monitor.Core.Evaluation.SatisfactionState>())
            StateChanges.WithLabels(state.ToString().ToLowerInvariant());
        foreach (var kind in SignalKinds.All) SignalsReceived.WithLabels(kind);
        SignalsRejected.WithLabels("invalid");
        foreach (var reason in ScannerJudge.Reasons) LinkScannerHits.WithLabels(reason);
        var ticketProbes = TicketSystems.All.Select(s => s.ProbeName).ToHashSet(StringComparer.Ordinal);
        foreach (var probe in probes.Where(ticketProbes.Contains))
        {
            TicketMetrics.TicketsProcessed.WithLabels(probe);
            TicketMetrics.CommentsProcessed.WithLabels(probe);
            TicketMetrics.RecordsRejected.WithLabels(probe);
        }
    }
}
