using Monitor.Worker.Endpoints;
using Monitor.Worker.StaffConsole;

namespace Monitor.Tests.Console;

/// <summary>The console's links out (Alertmanager, Grafana, its own public URL): optional, validated, each failure named.</summary>
public sealed class PeopleConsoleOptionsTests
{
    [Test]
    public void Every_bad_link_is_reported_with_its_full_key_and_empty_ones_are_fine()
    {
        var bad = new ConsoleOptions { AlertmanagerUrl = "alertmanager:9093", GrafanaUrl = "ftp://grafana", PublicUrl = "https://c.example/?x=1" };
        var result = new ConsoleOptionsValidator().Validate(null, bad);
        Assert.That(result.Failures, Has.Some.StartsWith("Console:AlertmanagerUrl must be an absolute http(s) URL"));
        Assert.That(result.Failures, Has.Some.StartsWith("Console:GrafanaUrl must be an absolute http(s) URL"));
        Assert.That(result.Failures, Has.Some.StartsWith("Console:PublicUrl must be an absolute http(s) URL"));

        var good = new ConsoleOptions { AlertmanagerUrl = "http://alertmanager:9093", GrafanaUrl = null, PublicUrl = "" };
        Assert.That(new ConsoleOptionsValidator().Validate(null, good).Succeeded, Is.True);
    }

    [Test]
    public void The_console_url_of_the_alerts_is_the_public_url_or_else_the_internal_listener()
    {
        var endpoints = new EndpointOptions { Internal = "http://10.0.0.5:9464" };
        Assert.That(ConsoleInfoMetric.UrlOf(new ConsoleOptions(), endpoints), Is.EqualTo("http://10.0.0.5:9464"));
        Assert.That(ConsoleInfoMetric.UrlOf(new ConsoleOptions { PublicUrl = "https://console.example/" }, endpoints),
            Is.EqualTo("https://console.example"));
    }
}
