using Microsoft.Extensions.Options;
using Monitor.Core.Evaluation;
using Monitor.Core.Groups;
using Monitor.Core.Ports;
using Monitor.Worker.Scheduling;
using Monitor.Worker.Storage;
using Prometheus;

namespace Monitor.Worker.Exporter;

/// <summary>
/// Keeps the per-user, per-group and per-probe series equal to the store. Each refresh reads the board
/// and touches only the series whose value moved, so a scrape never waits on the database and label
/// children are not churned. Runs in every replica (it is the replica's own exporter), not in Quartz.
/// The cluster-wide pulse gauges (response ratio, outbox backlog) are read from the store here too, so
/// every replica exports the same current values whichever replica ran the probe or sent the mail.
/// </summary>
public sealed class UserMetricsExporter(
    BoardRepository board,
    JobRunRepository jobRuns,
    ProbeCatalog probes,
    IPulseStore pulses,
    IOutboxStore outbox,
    IOptions<MetricsOptions> options,
    TimeProvider time,
    ILogger<UserMetricsExporter> logger,
    IEnumerable<IMetricsContributor>? contributors = null,
    UserLabeler? labeler = null,
    PrivacyThresholds? thresholds = null) : BackgroundService
{
    private readonly UserLabeler _labeler = labeler ?? new UserLabeler(options);
    private readonly IMetricsContributor[] _contributors = contributors?.ToArray() ?? [];

    private static readonly string[] UserLabels = ["user", "department", "site"];
    private static readonly string[] GroupLabels = ["group_type", "group"];

    private readonly Gauge _up = Metrics.CreateGauge("satisfaction_user_up",
        "1 unless the user is down (dissatisfied), 0 when down.", UserLabels);
    private readonly Gauge _state = Metrics.CreateGauge("satisfaction_user_state",
        "The user's state: 0 unknown, 1 up, 2 degraded, 3 down.", UserLabels);
    private readonly Gauge _score = Metrics.CreateGauge("satisfaction_user_score",
        "The user's time-decayed weighted mean score in [-1, 1]; 0 without signals.", UserLabels);
    private readonly Gauge _lastSignal = Metrics.CreateGauge("satisfaction_user_last_signal_timestamp_seconds",
        "Unix time of the user's newest signal; 0 when none.", UserLabels);
    private readonly Gauge _acknowledged = Metrics.CreateGauge("satisfaction_user_acknowledged",
        "Present with value 1 only while on-call's acknowledgement of the down user holds.", UserLabels);
    private readonly Gauge _flapping = Metrics.CreateGauge("satisfaction_user_flapping",
        "Present with value 1 only while the user's state is flapping.", UserLabels);
    private readonly Gauge _groupUsers = Metrics.CreateGauge("satisfaction_group_users",
        "Users in the group, by state; only where enough users change together to stay anonymous.", [.. GroupLabels, "state"]);
    private readonly Gauge _groupScore = Metrics.CreateGauge("satisfaction_group_score",
        "Rounded mean score of the group's users; only where enough users have a score and change together to stay anonymous.",
        GroupLabels);

    private Dictionary<string, (string[] Labels, BoardRow Row)> _exported = new(StringComparer.Ordinal);
    private HashSet<(string Type, string Group, string? State)> _groupSeries = [];
    private readonly GroupDisclosure _disclosure = new(thresholds ?? new PrivacyThresholds());
    private DateTimeOffset _groupsPublishedAt = DateTimeOffset.MinValue;

    /// <summary>
    /// The first refresh happens before the host finishes starting, so that from the moment the listeners
    /// answer (and /readyz says ready) /metrics shows every user in the directory.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            // The users only: the group figures, costlier at scale, follow on the first tick of the loop.
            await RefreshAsync(groups: false, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "First metrics refresh failed; retrying every {Interval}", options.Value.RefreshInterval);
        }
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RefreshInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The last exported values stay; /readyz reports the store.
                logger.LogError(e, "Metrics refresh failed");
            }
        }
    }

    public Task RefreshAsync(CancellationToken ct) => RefreshAsync(groups: true, ct);

    private async Task RefreshAsync(bool groups, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var rows = await board.LoadAsync(now, ct);
        // Anonymous mode: no per-user series at all (an empty board removes any that were exported).
        RefreshUsers(_labeler.ExportsIndividuals ? rows : []);
        if (groups && now - _groupsPublishedAt >= options.Value.GroupRefreshInterval)
        {
            RefreshGroups(rows);
            _groupsPublishedAt = now;
        }
        await RefreshProbesAsync(ct);
        await RefreshPulsesAsync(now, ct);
        var refresh = new MetricsRefresh(rows, now);
        foreach (var contributor in _contributors) await contributor.RefreshAsync(refresh, ct);
    }

    private async Task RefreshPulsesAsync(DateTimeOffset now, CancellationToken ct)
    {
        // No settled pulse in the window: the ratio keeps its last value rather than claiming 0 % answered.
        if (await pulses.ResponseRatioAsync(now.AddDays(-30), ct) is { } ratio) MonitorMetrics.PulseResponseRatio.Set(ratio);
        MonitorMetrics.OutboxBacklog.Set(await outbox.BacklogAsync(ct));
    }

    private void RefreshUsers(IReadOnlyList<BoardRow> rows)
    {
        var next = new Dictionary<string, (string[] Labels, BoardRow Row)>(rows.Count, StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var labels = new[] { UserLabel(row.UserId), row.Department, row.Site };
            if (_exported.Remove(row.UserId, out var old))
            {
                if (!old.Labels.AsSpan().SequenceEqual(labels)) Remove(old.Labels);
                else if (old.Row == row)
                {
                    next[row.UserId] = old;
                    continue;
                }
            }
            _up.WithLabels(labels).Set(row.State == SatisfactionState.Down ? 0 : 1);
            _state.WithLabels(labels).Set((int)row.State);
            _score.WithLabels(labels).Set(row.Score ?? 0);
            _lastSignal.WithLabels(labels).Set(row.LastSignalAt?.ToUnixTimeMilliseconds() / 1000.0 ?? 0);
            Sparse(_acknowledged, labels, row.Acknowledged);
            Sparse(_flapping, labels, row.Flapping);
            next[row.UserId] = (labels, row);
        }
        // Whoever is left has left the directory: their series go with them.
        foreach (var (labels, _) in _exported.Values) Remove(labels);
        _exported = next;
    }

    private void RefreshGroups(IReadOnlyList<BoardRow> rows)
    {
        // Only what the disclosure control lets out: no count or mean from which someone's answer can be worked out
        // by differencing over refreshes or across groups (docs/privacy.md, "Group figures").
        var published = _disclosure.Publish(rows.Select(r => new Respondent(r.UserId, r.Department, r.Site, r.State, r.Score)));
        var seen = new HashSet<(string, string, string?)>();
        foreach (var g in published.Groups)
        {
            foreach (var (state, count) in g.Users)
            {
                var label = state.ToString().ToLowerInvariant();
                _groupUsers.WithLabels(g.GroupType, g.Group, label).Set(count);
                seen.Add((g.GroupType, g.Group, label));
            }
            if (g.Score is not { } score) continue;
            _groupScore.WithLabels(g.GroupType, g.Group).Set(score);
            seen.Add((g.GroupType, g.Group, null));
        }
        foreach (var (type, group, state) in _groupSeries.Where(k => !seen.Contains(k)))
        {
            if (state is null) _groupScore.RemoveLabelled(type, group);
            else _groupUsers.RemoveLabelled(type, group, state);
        }
        _groupSeries = seen;
    }

    private async Task RefreshProbesAsync(CancellationToken ct)
    {
        foreach (var health in await jobRuns.LatestAsync(ct))
        {
            if (!probes.IsProbe(health.Last.Job)) continue;
            var probe = health.Last.Job;
            MonitorMetrics.ProbeSuccess.WithLabels(probe).Set(health.Last.Success ? 1 : 0);
            MonitorMetrics.ProbeDuration.WithLabels(probe).Set(health.Last.Duration.TotalSeconds);
            if (health.LastSuccessAt is { } at) MonitorMetrics.ProbeLastSuccess.WithLabels(probe).Set(at.ToUnixTimeMilliseconds() / 1000.0);
        }
    }

    private static void Sparse(Gauge gauge, string[] labels, bool present)
    {
        if (present) gauge.WithLabels(labels).Set(1);
        else gauge.RemoveLabelled(labels);
    }

    private void Remove(string[] labels)
    {
        foreach (var g in new[] { _up, _state, _score, _lastSignal, _acknowledged, _flapping }) g.RemoveLabelled(labels);
    }

    private string UserLabel(string userId) => _labeler.For(userId);
}
