using Microsoft.Extensions.Options;
using Monitor.Core.Evaluation;
using Monitor.Core.Groups;
using Monitor.Core.Ports;
using Monitor.Worker.Scheduling;
using Monitor.Worker.Storage;
using Prometheus;

namespace Monitor.Worker.Exporter;

/// <summary>
/// Keeps the per-user, per-group and per-probe series equal to the store. Each refresh reads the board once,
/// so a scrape never waits on the database: the per-user families become a compact snapshot written at scrape
/// time (<see cref="UserSeries"/>), the others prometheus-net gauges. Runs in every replica (it is the replica's
/// own exporter), not in Quartz. The cluster-wide pulse gauges (response ratio, outbox backlog) are read from
/// the store here too, so every replica exports the same current values whichever replica ran the probe or
/// sent the mail.
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
    PrivacyThresholds? thresholds = null,
    UserSeries? series = null,
    IDowntimeCalendar? downtime = null) : BackgroundService
{
    private readonly UserLabeler _labeler = labeler ?? new UserLabeler(options);
    private readonly UserSeries _series = series ?? new UserSeries();
    private readonly IMetricsContributor[] _contributors = contributors?.ToArray() ?? [];

    private static readonly string[] GroupLabels = ["group_type", "group"];

    /// <summary>The per-user families, written from <see cref="UserSeries"/> rather than kept as labelled children.</summary>
    public static readonly UserFamily Up = new("satisfaction_user_up", "1 unless the user is down (dissatisfied), 0 when down.");
    public static readonly UserFamily State = new("satisfaction_user_state", "The user's state: 0 unknown, 1 up, 2 degraded, 3 down.");
    public static readonly UserFamily Score = new("satisfaction_user_score",
        "The user's time-decayed weighted mean score in [-1, 1]; 0 without signals.");
    public static readonly UserFamily LastSignal = new("satisfaction_user_last_signal_timestamp_seconds",
        "Unix time of the user's newest signal; 0 when none.");
    public static readonly UserFamily Acknowledged = new("satisfaction_user_acknowledged",
        "Present with value 1 only while on-call's acknowledgement of the down user holds.", sparse: true);
    public static readonly UserFamily Flapping = new("satisfaction_user_flapping",
        "Present with value 1 only while the user's state is flapping.", sparse: true);

    private readonly Gauge _groupUsers = Metrics.CreateGauge("satisfaction_group_users",
        "Users in the group, by state; only where enough users change together to stay anonymous.", [.. GroupLabels, "state"]);
    private readonly Gauge _groupScore = Metrics.CreateGauge("satisfaction_group_score",
        "Rounded mean score of the group's users; only where enough users have a score and change together to stay anonymous.",
        GroupLabels);

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
        var users = Users(_labeler.ExportsIndividuals ? rows : []);
        var inDowntime = downtime is null ? new Dictionary<string, bool>() : await downtime.InDowntimeAsync(now, ct);
        var refresh = new MetricsRefresh(rows, now) { Users = users, InDowntime = inDowntime };
        try
        {
            if (groups && now - _groupsPublishedAt >= options.Value.GroupRefreshInterval)
            {
                RefreshGroups(WithoutLongLeave(rows, inDowntime), refresh);
                _groupsPublishedAt = now;
            }
            await RefreshProbesAsync(refresh, ct);
            await RefreshPulsesAsync(refresh, ct);
            foreach (var contributor in _contributors) await contributor.RefreshAsync(refresh, ct);
        }
        finally
        {
            // A failing contributor must not freeze every user's state (as the labelled gauges never did): the
            // refresh is committed with what was read before the failure, and the failure is logged by the caller.
            await _series.CommitAsync(users.Build(), refresh.Settings);
        }
    }

    private async Task RefreshPulsesAsync(MetricsRefresh refresh, CancellationToken ct)
    {
        // No settled pulse in the window: the ratio keeps its last value rather than claiming 0 % answered.
        var ratio = await pulses.ResponseRatioAsync(refresh.Now.AddDays(-30), ct);
        var backlog = await outbox.BacklogAsync(ct);
        refresh.Publish(() =>
        {
            if (ratio is { } r) MonitorMetrics.PulseResponseRatio.Set(r);
            MonitorMetrics.OutboxBacklog.Set(backlog);
        });
    }

    /// <summary>
    /// The next snapshot of the per-user families. Built whole on each refresh (a user who left the directory is
    /// simply not in it), the contributors' families after the exporter's, and published at the refresh's end.
    /// </summary>
    private UserSeriesBuilder Users(IReadOnlyList<BoardRow> rows) =>
        new UserSeriesBuilder(rows, _labeler.For, _series)
            .Add(Up, r => r.State == SatisfactionState.Down ? 0 : 1)
            .Add(State, r => (int)r.State)
            .Add(Score, r => r.Score ?? 0)
            .Add(LastSignal, r => r.LastSignalAt?.ToUnixTimeMilliseconds() / 1000.0 ?? 0)
            .Add(Acknowledged, r => r.Acknowledged ? 1 : double.NaN)
            .Add(Flapping, r => r.Flapping ? 1 : double.NaN);

    /// <summary>People on long leave (docs/downtime.md) are left out of the group figures while it lasts.</summary>
    private static IReadOnlyList<BoardRow> WithoutLongLeave(IReadOnlyList<BoardRow> rows, IReadOnlyDictionary<string, bool> inDowntime) =>
        inDowntime.Values.Any(onLeave => onLeave) ? rows.Where(r => !inDowntime.GetValueOrDefault(r.UserId)).ToList() : rows;

    private void RefreshGroups(IReadOnlyList<BoardRow> rows, MetricsRefresh refresh)
    {
        // Only what the disclosure control lets out: no count or mean from which someone's answer can be worked out
        // by differencing over refreshes or across groups (docs/privacy.md, "Group figures").
        var published = _disclosure.Publish(rows.Select(r => new Respondent(r.UserId, r.Department, r.Site, r.State, r.Score)));
        refresh.Publish(() => SetGroups(published));
    }

    private void SetGroups(GroupPublication published)
    {
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

    private async Task RefreshProbesAsync(MetricsRefresh refresh, CancellationToken ct)
    {
        var latest = (await jobRuns.LatestAsync(ct)).Where(h => probes.IsProbe(h.Last.Job)).ToList();
        refresh.Publish(() =>
        {
            foreach (var health in latest)
            {
                var probe = health.Last.Job;
                MonitorMetrics.ProbeSuccess.WithLabels(probe).Set(health.Last.Success ? 1 : 0);
                MonitorMetrics.ProbeDuration.WithLabels(probe).Set(health.Last.Duration.TotalSeconds);
                if (health.LastSuccessAt is { } at) MonitorMetrics.ProbeLastSuccess.WithLabels(probe).Set(at.ToUnixTimeMilliseconds() / 1000.0);
            }
        });
    }
}
