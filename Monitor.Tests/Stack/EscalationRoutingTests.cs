using Monitor.Tests.Infrastructure;
using NUnit.Framework;

namespace Monitor.Tests.Stack;

/// <summary>
/// The escalation rules in promtool's unit tests and their routes in <c>amtool config routes test</c>: the escalation goes to the
/// second receiver, the lapse notice and the user's own page to on-call.
/// </summary>
[TestFixture]
[Category("Stack")]
public class EscalationRoutingTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private static async Task<(int ExitCode, string Output)> Run(string tool, string envVar, string package, string[] arguments)
    {
        var path = ProcessRunner.RequireTool(envVar, package, tool);
        return await ProcessRunner.RunAsync(path, arguments, null, Timeout, RepoFiles.Root);
    }

    [Test]
    public async Task The_escalation_and_lapse_alerts_fire_stay_silent_and_resolve_as_the_promtool_tests_expect()
    {
        var (exitCode, output) = await Run("promtool", "PROMTOOL_BIN", "prometheus",
            ["test", "rules", "prometheus/tests/escalation.test.yml"]);
        Assert.That(exitCode, Is.Zero, output);
    }

    /// <summary>Each alert with the labels its rule gives it (and a user's labels) resolves to exactly its receiver.</summary>
    [TestCase("UserDissatisfiedEscalated", "escalation")]
    [TestCase("AcknowledgementLapsed", "on-call-pager")]
    [TestCase("UserDissatisfied", "on-call-pager")]
    public async Task Amtool_routes_each_alert_with_its_rule_labels_to_its_receiver(string alertname, string receiver)
    {
        var rule = GrafanaProvisioningTests.PrometheusAlertRules().Single(r => r.Str("alert") == alertname);
        var labels = rule.Map("labels").Select(l => $"{l.Key}={l.Value}");
        var (exitCode, output) = await Run("amtool", "AMTOOL_BIN", "prometheus-alertmanager",
        [
            "config", "routes", "test", "--config.file=prometheus/alertmanager.yml", $"--verify.receivers={receiver}",
            $"alertname={alertname}", .. labels, "department=Sales", "site=Paris", "user=u1",
        ]);
        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output.Split('\n').Select(l => l.Trim()).First(l => l.Length > 0 && !l.StartsWith("Warning", StringComparison.Ordinal)),
            Is.EqualTo(receiver));
    }
}
