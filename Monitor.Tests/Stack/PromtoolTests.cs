using System.Diagnostics;
using Monitor.Tests.Stack.Harness;
using NUnit.Framework;

namespace Monitor.Tests.Stack;

[TestFixture]
[Category("Stack")]
public class PromtoolTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private static async Task AssertSucceeds(string tool, string envVar, string package, params string[] arguments)
    {
        var path = ExternalProcess.RequireTool(envVar, package, tool);
        var (exitCode, output) = await ExternalProcess.RunAsync(path, arguments, Timeout, RepoFiles.Root);
        Assert.That(exitCode, Is.Zero, $"{tool} {string.Join(' ', arguments)} failed:\n{output}");
    }

    [Test]
    public Task Promtool_accepts_the_alert_rules() =>
        AssertSucceeds("promtool", "PROMTOOL_BIN", "prometheus", "check", "rules", "prometheus/rules/satisfaction.rules.yml");

    [Test]
    public Task Every_alert_fires_stays_silent_and_resolves_as_the_promtool_tests_expect() =>
        AssertSucceeds("promtool", "PROMTOOL_BIN", "prometheus", "test", "rules", "prometheus/tests/satisfaction.test.yml");

    [Test]
    public Task Promtool_accepts_the_prometheus_configuration() =>
        AssertSucceeds("promtool", "PROMTOOL_BIN", "prometheus", "check", "config", "--syntax-only", "prometheus/prometheus.yml");

    [Test]
    public Task Amtool_accepts_the_alertmanager_example() =>
        AssertSucceeds("amtool", "AMTOOL_BIN", "prometheus-alertmanager", "check-config", "prometheus/alertmanager.yml");

    [Test]
    public void Every_promtool_test_file_is_in_the_tests_folder_and_names_the_rule_file()
    {
        var tests = Directory.GetFiles(RepoFiles.PathOf("prometheus/tests"), "*.yml");
        Assert.That(tests, Is.Not.Empty);
        foreach (var test in tests)
        {
            Assert.That(File.ReadAllText(test), Does.Contain("../rules/satisfaction.rules.yml"), test);
        }
    }

    [Test]
    public async Task The_stub_target_metrics_are_clean_for_promtool_check_metrics()
    {
        var path = ExternalProcess.RequireTool("PROMTOOL_BIN", "prometheus", "promtool");
        var info = new ProcessStartInfo(path) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("check");
        info.ArgumentList.Add("metrics");
        using var process = Process.Start(info)!;
        await process.StandardInput.WriteAsync(StackScenario.RenderMetrics(10, DateTimeOffset.UtcNow));
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(Timeout);
        await process.WaitForExitAsync(cts.Token);
        Assert.That(process.ExitCode, Is.Zero, $"promtool check metrics:\n{await stdout}{await stderr}");
    }
}
