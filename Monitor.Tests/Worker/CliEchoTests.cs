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

    // The erase verb naming an id it does not know, a setting typed on the command line quoted in "Invalid configuration",
    // a value System.CommandLine cannot parse, and healthcheck naming its URL.
    [TestCase("erase|--user|u{ESC}", 1, "No user 'u{ESCAPED}'")]
    [TestCase("migrate|--Pulse:Cron={ESC}", 2, "Pulse:Cron is not a valid Quartz cron expression that fires (got '{ESCAPED}')")]
    [TestCase("erase|--user|x|--wait|1{ESC}", 1, "Cannot parse argument '1{ESCAPED}' for option '--wait'")]
    [TestCase("healthcheck|--url|http://127.0.0.1:{PORT}/{ESC}", 1, "/{ESCAPED}: ")]
    public async Task A_verb_echoes_what_was_typed_escaped(string args, int exit, string message)
    {
        string Fill(string s) => s.Replace("{ESC}", Esc, StringComparison.Ordinal).Replace("{ESCAPED}", Escaped, StringComparison.Ordinal)
            .Replace("{PORT}", TestPaths.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var (code, output) = await ProcessRunner.RunAsync("dotnet", [WorkerProcess.WorkerDll, .. args.Split('|').Select(Fill), .. Store()],
            timeout: TimeSpan.FromSeconds(60));
        Assert.That(code, Is.EqualTo(exit), output);
        Assert.That(output, Does.Contain(Fill(message)));
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
