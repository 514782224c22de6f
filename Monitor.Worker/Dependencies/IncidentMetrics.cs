using Monitor.Core.Dependencies;
using Monitor.Worker.Exporter;
using Prometheus;

namespace Monitor.Worker.Dependencies;

/// <summary>
/// The incident series (docs/metrics.md), read from the store on every refresh so that every replica suppresses
/// alike. The per-user families carry the incident's number as their value, not as a label: the per-user snapshot
/// keeps one label set per user (UserSeries), and a number needs no label. No label holds a title.
/// </summary>
public sealed class IncidentMetrics(IncidentRepository incidents, DependencyMapping mapping) : IMetricsContributor
{
    public static readonly UserFamily UnderIncident = new("satisfaction_user_incident",
        "Present only while an incident is open on one of the user's parents; the value is the incident's number (the oldest).",
        sparse: true);

    public static readonly UserFamily Suppressed = new("satisfaction_user_suppressed",
        "Present only while the user's alert is suppressed: they turned down while an incident on one of their parents was " +
        "open; the value is that incident's number.", sparse: true);

    public static readonly Gauge Info = Prometheus.Metrics.CreateGauge("satisfaction_incident_info",
        "1 for each open incident: its number and the parent marked down (a site, a department or a mapped service).",
        "incident", "parent", "source");

    public async Task RefreshAsync(MetricsRefresh refresh, CancellationToken cancellationToken)
    {
        var open = await incidents.OpenIncidentsAsync(cancellationToken);
        var graph = mapping.Graph;
        // source is "staff" or a ticket system's name: a fixed set, never text a person typed.
        var labels = open.Select(i => new[] { i.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), i.Parent, i.Source })
            .ToList();
        refresh.Publish(() =>
        {
            foreach (var l in labels) Info.WithLabels(l).Set(1);
            foreach (var stale in Info.GetAllLabelValues().Where(v => !labels.Any(l => l.SequenceEqual(v))).ToList())
                Info.RemoveLabelled(stale);
        });

        if (open.Count == 0)
        {
            refresh.Users.Add(UnderIncident, _ => double.NaN).Add(Suppressed, _ => double.NaN);
            return;
        }
        (Incident? Under, Incident? Suppressing) Verdict(Storage.BoardRow r) =>
            IncidentSuppression.For(graph.AncestorsOf(r.Department, r.Site), r.State, r.StateSince, open);
        refresh.Users.Add(UnderIncident, r => Verdict(r).Under?.Id ?? double.NaN)
            .Add(Suppressed, r => Verdict(r).Suppressing?.Id ?? double.NaN);
    }
}
