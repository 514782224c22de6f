using System.Text.RegularExpressions;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Worker;

/// <summary>A worker that says it is ready exports every user of the directory at once.</summary>
public sealed partial class ReadinessTests
{
    [TestCase(Stores.Sqlite)]
    [TestCase(Stores.Postgres)]
    public async Task The_first_scrape_after_readyz_shows_every_directory_user(string provider)
    {
        var options = await Stores.NewAsync(provider);
        // The default intervals: a minute between directory reads, ten seconds between refreshes. Nothing
        // scheduled can have run between /readyz answering and the scrape.
        await using var worker = await WorkerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Storage:Provider"] = options.Provider,
            ["Storage:ConnectionString"] = options.ConnectionString,
            ["Directory:Interval"] = "00:01:00",
            ["Metrics:RefreshInterval"] = "00:00:10",
            ["Metrics:GroupRefreshInterval"] = "00:05:00",
        });

        var metrics = await worker.MetricsAsync();

        var expected = File.ReadLines(TestPaths.Samples("users.csv")).Skip(1).Count(l => l.Trim().Length > 0);
        var exported = UserState().Matches(metrics).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.That(exported, Has.Count.EqualTo(expected), metrics);
    }

    [GeneratedRegex("^satisfaction_user_state\\{user=\"([^\"]+)\"", RegexOptions.Multiline)]
    private static partial Regex UserState();
}
