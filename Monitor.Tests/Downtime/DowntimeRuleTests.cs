using Monitor.Tests.Infrastructure;
using Monitor.Tests.Stack;

namespace Monitor.Tests.Downtime;

/// <summary>
/// The alert rules leave people in downtime out (prometheus/tests/downtime*.test.yml): no alert during it, the alert
/// back after it, and a group's ratio without them on either side.
/// </summary>
[TestFixture]
[Category("Stack")]
public sealed class DowntimeRuleTests
{
    [TestCase("prometheus/tests/downtime.test.yml")]
    [TestCase("prometheus/tests/downtime-loop.test.yml")]
    public async Task No_alert_during_a_downtime_and_the_alert_back_after_it(string file)
    {
        var promtool = ProcessRunner.RequireTool("PROMTOOL_BIN", "prometheus", "promtool");
        var (exitCode, output) = await ProcessRunner.RunAsync(promtool, ["test", "rules", file], null, TimeSpan.FromMinutes(2),
            RepoFiles.Root);
        Assert.That(exitCode, Is.Zero, output);
    }
}
