using Microsoft.Extensions.Options;
using Monitor.Core.Evaluation;
using Monitor.Core.Ports;
using Monitor.Worker.Exporter;
using Monitor.Worker.Objectives;
using Monitor.Worker.Privacy;
using Monitor.Worker.Storage;
using static Monitor.Core.Evaluation.SatisfactionState;

using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Objectives;

/// <summary>The objective's group gauges: downtime and unknown left out, small groups not exported, the target per group.</summary>
[NonParallelizable]
public sealed class ObjectiveMetricsTests
{
    private static BoardRow Row(string id, string department, string site, SatisfactionState state) =>
        new(id, department, site, state, null, null, false, false, null);

    [Test]
    public async Task Eligible_and_down_leave_out_downtime_and_unknown_and_small_groups_are_not_exported()
    {
        // The gauges are process-wide: a worker hosted by another test may have left these groups; start without them.
        foreach (var gauge in new[] { ObjectiveMetrics.Eligible, ObjectiveMetrics.Down, ObjectiveMetrics.Target })
        {
            gauge.RemoveLabelled("department", "Sales");
            gauge.RemoveLabelled("site", "Lyon");
        }
        var metrics = new ObjectiveMetrics(
            Options.Create(new ObjectivesOptions { Departments = { ["Finance"] = 0.95 } }), Options.Create(new MetricsOptions()),
            Options.Create(new PrivacyOptions { MinGroupSize = 3 }));
        BoardRow[] board =
        [
            Row("f1", "Finance", "Paris", Up), Row("f2", "Finance", "Paris", Down), Row("f3", "Finance", "Paris", Down),
            Row("f4", "Finance", "Paris", Unknown), Row("f5", "Finance", "Paris", Down),
            Row("s1", "Sales", "Lyon", Down), Row("s2", "Sales", "Lyon", Up),
        ];
        // f5 is in downtime: the exporter reads that once per refresh and hands it to every contributor.
        await metrics.RefreshAndPublishAsync(
            new MetricsRefresh(board, DateTimeOffset.UtcNow) { InDowntime = new Dictionary<string, bool> { ["f5"] = false } });

        Assert.That(ObjectiveMetrics.Eligible.WithLabels("department", "Finance").Value, Is.EqualTo(3), "f1, f2, f3: f4 unknown, f5 away");
        Assert.That(ObjectiveMetrics.Down.WithLabels("department", "Finance").Value, Is.EqualTo(2));
        Assert.That(ObjectiveMetrics.Target.WithLabels("department", "Finance").Value, Is.EqualTo(0.95));
        Assert.That(ObjectiveMetrics.Target.WithLabels("site", "Paris").Value, Is.EqualTo(0.90));
        Assert.That(ObjectiveMetrics.Eligible.GetAllLabelValues().Select(l => l[1]), Does.Not.Contain("Sales").And.Not.Contain("Lyon"));
    }
}
