using Monitor.Tests.Infrastructure;
using NUnit.Framework;

namespace Monitor.Tests.Stack;

[TestFixture]
[Category("Stack")]
public class PromtoolTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Runs a Prometheus tool from the repository root (with <paramref name="stdin"/> piped in), expects exit 0 and
    /// returns what it printed.
    /// </summary>
    private static async Task<string> AssertSucceeds(string tool, string envVar, string package, string[] arguments, string? stdin = null)
    {
        var path = ProcessRunner.RequireTool(envVar, package, tool);
        var (exitCode, output) = await ProcessRunner.RunAsync(path, arguments, stdin, Timeout, RepoFiles.Root);
        Assert.That(exitCode, Is.Zero, $"{tool} {string.Join(' ', arguments)} failed:\n{output}");
        return output;
    }

    [Test]
    public Task Promtool_accepts_the_alert_rules() =>
        AssertSucceeds("promtool", "PROMTOOL_BIN", "prometheus", ["check", "rules", "prometheus/rules/satisfaction.rules.yml"]);

    [Test]
    public Task Every_alert_fires_stays_silent_and_resolves_as_the_promtool_tests_expect() =>
        AssertSucceeds("promtool", "PROMTOOL_BIN", "prometheus", ["test", "rules", "prometheus/tests/satisfaction.test.yml"]);

    /// <summary>The alerts that look back days and weeks (visits, actions), evaluated hourly in their own file.</summary>
    [Test]
    public Task The_loop_alerts_fire_stay_silent_and_resolve_as_the_promtool_tests_expect() =>
        AssertSucceeds("promtool", "PROMTOOL_BIN", "prometheus", ["test", "rules", "prometheus/tests/loop.test.yml"]);

    [Test]
    public Task Promtool_accepts_the_value_alert_rules() =>
        AssertSucceeds("promtool", "PROMTOOL_BIN", "prometheus", ["check", "rules", "prometheus/rules/value.rules.yml"]);

    [Test]
    public Task The_rank_gap_alert_fires_and_stays_silent_as_its_promtool_tests_expect() =>
        AssertSucceeds("promtool", "PROMTOOL_BIN", "prometheus", ["test", "rules", "prometheus/tests/value.test.yml"]);

    [Test]
    public Task Incidents_suppress_alert_creation_never_evaluation_or_recovery_as_the_promtool_tests_expect() =>
        AssertSucceeds("promtool", "PROMTOOL_BIN", "prometheus", ["test", "rules", "prometheus/tests/dependencies.test.yml"]);
    public Task Promtool_accepts_the_objective_rules() =>
        AssertSucceeds("promtool", "PROMTOOL_BIN", "prometheus", ["check", "rules", "prometheus/rules/objectives.rules.yml"]);

    /// <summary>The objective's burn-rate alerts: the page (hours, 1-minute steps) and the ticket (days, 5-minute steps).</summary>
    [TestCase("prometheus/tests/objectives.test.yml")]
    [TestCase("prometheus/tests/objectives-ticket.test.yml")]
    public Task The_objective_burn_rate_alerts_fire_and_stay_silent_as_their_promtool_tests_expect(string file) =>
        AssertSucceeds("promtool", "PROMTOOL_BIN", "prometheus", ["test", "rules", file]);

    [Test]
    public Task Promtool_accepts_the_prometheus_configuration() =>
        AssertSucceeds("promtool", "PROMTOOL_BIN", "prometheus", ["check", "config", "--syntax-only", "prometheus/prometheus.yml"]);

    [Test]
    public Task Amtool_accepts_the_alertmanager_example() =>
        AssertSucceeds("amtool", "AMTOOL_BIN", "prometheus-alertmanager", ["check-config", "prometheus/alertmanager.yml"]);

    [Test]
    public void Every_promtool_test_file_is_in_the_tests_folder_and_names_the_rule_file()
    {
        var tests = Directory.GetFiles(RepoFiles.PathOf("prometheus/tests"), "*.yml");
        Assert.That(tests, Is.Not.Empty);
        Assert.That(tests.Select(File.ReadAllText), Has.Some.Contains("../rules/satisfaction.rules.yml"));
        foreach (var test in tests)
        {
            // Each test file names rule files of prometheus/rules that exist (a typo would test nothing).
            var named = System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(test), @"\.\./rules/([\w.-]+\.rules\.yml)");
            Assert.That(named, Is.Not.Empty, test);
            foreach (System.Text.RegularExpressions.Match m in named)
                Assert.That(File.Exists(RepoFiles.PathOf("prometheus/rules/" + m.Groups[1].Value)), Is.True, $"{test}: {m.Value}");
        }
    }

    /// <summary>
    /// The real worker's scrape, once users, probes and the pipeline have series, passes <c>promtool check metrics</c>
    /// (names, types, help, label syntax) with nothing from its lint.
    /// </summary>
    [Test]
    public async Task The_worker_metrics_are_clean_for_promtool_check_metrics()
    {
        await using var worker = await WorkerProcess.StartAsync();
        var scrape = await worker.WaitForMetricsAsync(
            text => text.Contains("satisfaction_user_state{", StringComparison.Ordinal)
                    && text.Contains("probe=\"directory\"", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30));

        var output = await AssertSucceeds("promtool", "PROMTOOL_BIN", "prometheus", ["check", "metrics"], stdin: scrape);

        Assert.That(output.Trim(), Is.Empty, "promtool's lint has nothing to say");
    }
}
