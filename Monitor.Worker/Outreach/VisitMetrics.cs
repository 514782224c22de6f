using Microsoft.Extensions.Options;
using Monitor.Core.Evaluation;
using Monitor.Core.Outreach;
using Monitor.Worker.Exporter;
using Monitor.Worker.Privacy;
using Monitor.Worker.Storage;
using Prometheus;

namespace Monitor.Worker.Outreach;

/// <summary>
/// Contact series read from the store on every refresh, so that every replica exports the same values whichever replica
/// recorded the visit. Labels are directory values and the fixed kinds only: nothing typed into a visit becomes a label.
/// </summary>
public sealed class VisitMetrics(VisitRepository visits, IOptions<PrivacyOptions> privacy) : IMetricsContributor
{
    /// <summary>"Contacted" means a visit within this.</summary>
    public static readonly TimeSpan ContactWindow = TimeSpan.FromDays(30);

    /// <summary>A red user should have a visit within this many working days of going red.</summary>
    public const int RedVisitWorkingDays = 3;

    private static readonly string[] GroupLabels = ["group_type", "group"];

    /// <summary>Written from the exporter's per-user snapshot (<see cref="UserSeries"/>), not a labelled child per user.</summary>
    public static readonly UserFamily LastContact = new("satisfaction_user_last_contact_timestamp_seconds",
        "Unix time of the user's newest visit by IT (a ticket is not a contact); 0 when never.");
    private readonly Gauge _contacted = Prometheus.Metrics.CreateGauge("satisfaction_group_contacted_ratio",
        "Share of the group's users with a visit in the last 30 days, only for groups large enough to stay anonymous.", GroupLabels);
    private readonly Gauge _groupLastContact = Prometheus.Metrics.CreateGauge("satisfaction_group_last_contact_timestamp_seconds",
        "Unix time of the newest visit to anyone in the group; 0 when never; only for groups large enough to stay anonymous.",
        GroupLabels);
    private readonly Gauge _redVisited = Prometheus.Metrics.CreateGauge("satisfaction_red_users_visited_ratio",
        "Share of users down now, whose 3 working days since going down are over or who had a visit, visited within those days; " +
        "1 when there is nobody to judge.");
    private readonly Gauge _visits = Prometheus.Metrics.CreateGauge("satisfaction_visits",
        "Visits in the last 30 days, by kind, across the cluster.", "kind");

    private HashSet<(string, string)> _groups = [];

    public async Task RefreshAsync(MetricsRefresh refresh, CancellationToken ct)
    {
        var now = refresh.Now;
        var last = await visits.LastVisitsAsync(ct);
        // Anonymous mode: the snapshot has no users, so no per-user series; a leaver is simply not in it.
        refresh.Users.Add(LastContact, row => Seconds(last.GetValueOrDefault(row.UserId)?.At));
        var red = await RedVisitedAsync(refresh.Board, now, ct);
        var kinds = await visits.CountByKindAsync(now - ContactWindow, ct);
        refresh.Publish(() =>
        {
            SetGroups(refresh.Board, last, now);
            _redVisited.Set(red);
            foreach (var (kind, count) in kinds) _visits.WithLabels(kind).Set(count);
        });
    }

    private void SetGroups(IReadOnlyList<BoardRow> board, Dictionary<string, LastVisit> last, DateTimeOffset now)
    {
        var seen = new HashSet<(string, string)>();
        var groups = board.GroupBy(r => ("department", r.Department)).Concat(board.GroupBy(r => ("site", r.Site)));
        foreach (var g in groups)
        {
            var members = g.ToList();
            if (members.Count < privacy.Value.MinGroupSize) continue;
            var times = members.Select(m => last.GetValueOrDefault(m.UserId)?.At).ToList();
            _contacted.WithLabels(g.Key.Item1, g.Key.Item2).Set((double)times.Count(t => t >= now - ContactWindow) / members.Count);
            _groupLastContact.WithLabels(g.Key.Item1, g.Key.Item2).Set(Seconds(times.Max()));
            seen.Add(g.Key);
        }
        foreach (var (type, group) in _groups.Where(g => !seen.Contains(g)))
        {
            _contacted.RemoveLabelled(type, group);
            _groupLastContact.RemoveLabelled(type, group);
        }
        _groups = seen;
    }

    private async Task<double> RedVisitedAsync(IReadOnlyList<BoardRow> board, DateTimeOffset now, CancellationToken ct)
    {
        var down = board.Where(r => r.State == SatisfactionState.Down).ToList();
        if (down.Count == 0) return 1;
        var wentDown = await visits.WentDownAsync(ct);
        var entries = down.ToDictionary(r => r.UserId, r => wentDown.TryGetValue(r.UserId, out var t) ? t : r.StateSince ?? now);
        var times = await visits.VisitTimesAsync(entries.Keys, entries.Values.Min(), ct);
        return RedVisitedRatio(entries, times, now);
    }

    /// <summary>
    /// Of the red users whose outcome is known (visited in time, or their 3 working days are over), the share visited in time.
    /// A user who went red an hour ago and has no visit yet is not late: they count neither way until their days are over.
    /// </summary>
    public static double RedVisitedRatio(IReadOnlyDictionary<string, DateTimeOffset> wentDown, ILookup<string, DateTimeOffset> visitTimes,
        DateTimeOffset now)
    {
        int judged = 0, inTime = 0;
        foreach (var (user, entry) in wentDown)
        {
            var deadline = WorkingDays.Deadline(entry, RedVisitWorkingDays);
            var visited = visitTimes[user].Any(t => t >= entry && t < deadline);
            if (visited) inTime++;
            if (visited || now >= deadline) judged++;
        }
        return judged == 0 ? 1 : (double)inTime / judged;
    }

    private static double Seconds(DateTimeOffset? t) => t?.ToUnixTimeMilliseconds() / 1000.0 ?? 0;
}
