using Monitor.Probes.Tickets.Sentiment;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Worker;

/// <summary>
/// Issue 13: the CLI verbs echoed what the operator typed, control characters included, so an id or a URL holding an
/// escape sequence was obeyed by the operator's terminal (here: set the window title, clear the screen). Now escaped as
/// in the logs (<c>\u001B</c>).
/// </summary>
public sealed class CliEchoTests
{
    private const string Esc = "\u001b]0;pwned\u0007\u001b[2J";
    private const string Escaped = @"\u001B]0;pwned\u0007\u001B[2J";

    private static string[] Store() =>
    [
        $"--Storage:ConnectionString=Data Source={Path.Combine(TestPaths.NewTempDir("sm-cli"), "m.db")}",
        $"--Directory:CsvPath={TestPaths.Samples("users.csv")}",
        $"--Mail:PickupDirectory={TestPaths.NewTempDir("sm-pickup")}",
    ];

    [Test]
    public async Task Erase_names_an_unknown_id_escaped()
    {
        var (exit, output) = await ProcessRunner.RunAsync("dotnet", [WorkerProcess.WorkerDll, "erase", "--user", "u" + Esc, .. Store()],
            timeout: TimeSpan.FromSeconds(60));
        Assert.That(exit, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain($"No user 'u{Escaped}'"));
        Assert.That(output.Contains('\u001b', StringComparison.Ordinal), Is.False, "a raw ESC reached the terminal");
    }

    [Test]
    public async Task A_setting_typed_on_the_command_line_is_echoed_escaped()
    {
        var (exit, output) = await ProcessRunner.RunAsync("dotnet", [WorkerProcess.WorkerDll, "migrate", "--Pulse:Cron=" + Esc, .. Store()],
            timeout: TimeSpan.FromSeconds(60));
        Assert.That(exit, Is.EqualTo(2), output);
        Assert.That(output, Does.Contain($"Pulse:Cron is not a valid Quartz cron expression that fires (got '{Escaped}')"));
        Assert.That(output.Contains('\u001b', StringComparison.Ordinal), Is.False, "a raw ESC reached the terminal");
    }

    [Test]
    public async Task Healthcheck_names_its_url_escaped()
    {
        var (exit, output) = await ProcessRunner.RunAsync("dotnet",
            [WorkerProcess.WorkerDll, "healthcheck", "--url", $"http://127.0.0.1:{TestPaths.FreePort()}/{Esc}"], timeout: TimeSpan.FromSeconds(30));
        Assert.That(exit, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain(Escaped));
        Assert.That(output.Contains('\u001b', StringComparison.Ordinal), Is.False, "a raw ESC reached the terminal");
    }

    [Test]
    public void Sentiment_names_an_unknown_language_escaped()
    {
        using var error = new StringWriter();
        Assert.That(SentimentCli.Run(new StringReader("x"), TextWriter.Null, error, "xx" + Esc), Is.EqualTo(2));
        Assert.That(error.ToString(), Does.Contain($"'xx{Escaped}'"));
        Assert.That(error.ToString().Contains('\u001b', StringComparison.Ordinal), Is.False, "a raw ESC reached the terminal");
    }
}
