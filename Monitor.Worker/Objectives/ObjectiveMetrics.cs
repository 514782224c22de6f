using Microsoft.Extensions.Options;
using Monitor.Core.Evaluation;
using Monitor.Core.Groups;
using Monitor.Worker.Exporter;
using Monitor.Worker.Privacy;
using Prometheus;

namespace Monitor.Worker.Objectives;

/// <summary>
/// What the objective's recording rules need per group (prometheus/rules/objectives.rules.yml): users eligible now
/// (in a known state, not in downtime), users down now, and the group's target, so that the rules stay generic (as
/// Sloth and Pyrra generate them). The counts go through their own <see cref="GroupDisclosure"/>: a group appears
/// only with at least Privacy:MinGroupSize people, and a count moves only when that many changed.
/// </summary>
public sealed class ObjectiveMetrics(IOptions<ObjectivesOptions> objectives, IOptions<MetricsOptions> metrics,
    IOptions<PrivacyOptions> privacy) : IMetricsContributor
{
    private static readonly string[] Labels = ["group_type", "group"];

    public static readonly Gauge Eligible = Prometheus.Metrics.CreateGauge("satisfaction_objective_users_eligible",
        "Users of the group in a known state and not in downtime: the objective's denominator.", Labels);

    public static readonly Gauge Down = Prometheus.Metrics.CreateGauge("satisfaction_objective_users_down",
        "Users of the group down and not in downtime: the objective's bad events.", Labels);

    public static readonly Gauge Target = Prometheus.Metrics.CreateGauge("satisfaction_objective_target",
        "The share of eligible users not down the group is held to (Objectives:Target or its override).", Labels);

    private readonly GroupDisclosure _disclosure = new(privacy.Value.Thresholds);
    private HashSet<(string Type, string Group)> _exported = [];
    private DateTimeOffset _publishedAt = DateTimeOffset.MinValue;

    public Task RefreshAsync(MetricsRefresh refresh, CancellationToken cancellationToken)
    {
        // As often as the other group figures: each publication is a step of the disclosure control.
        if (refresh.Now - _publishedAt < metrics.Value.GroupRefreshInterval) return Task.CompletedTask;
        _publishedAt = refresh.Now;
        var away = refresh.InDowntime;
        var published = _disclosure.Publish(refresh.Board.Where(r => !away.ContainsKey(r.UserId))
            .Select(r => new Respondent(r.UserId, r.Department, r.Site, r.State, null)));
        refresh.Publish(() => Set(published));
        return Task.CompletedTask;
    }

    private void Set(GroupPublication published)
    {
        var seen = new HashSet<(string, string)>();
        foreach (var g in published.Groups.Where(g => g.Users.Count > 0))
        {
            var eligible = g.Users.Where(kv => kv.Key != SatisfactionState.Unknown).Sum(kv => kv.Value);
            Eligible.WithLabels(g.GroupType, g.Group).Set(eligible);
            Down.WithLabels(g.GroupType, g.Group).Set(g.Users.GetValueOrDefault(SatisfactionState.Down));
            Target.WithLabels(g.GroupType, g.Group).Set(objectives.Value.TargetFor(g.GroupType, g.Group));
            seen.Add((g.GroupType, g.Group));
        }
        foreach (var (type, group) in _exported.Where(k => !seen.Contains(k)))
        {
            Eligible.RemoveLabelled(type, group);
            Down.RemoveLabelled(type, group);
            Target.RemoveLabelled(type, group);
        }
        _exported = seen;
    }
}
