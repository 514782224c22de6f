using System.Diagnostics;
using Monitor.Tests.Infrastructure;
using Npgsql;

namespace Monitor.Tests.Faults;

/// <summary>
/// The <c>migrate</c> verb (and <c>erase</c>, <c>directory-sync</c>) against a PostgreSQL that is not up (issue 13): it waits
/// and retries like the worker's start-up, one line per attempt, for at most <c>--wait</c> seconds; then one line naming
/// the store and exit 3.
/// </summary>
public sealed class MigrateWaitTests
{
    [Test]
    public async Task Migrate_waits_for_a_postgres_started_during_the_wait_and_applies_the_schema()
    {
        await using var pg = await PrivatePostgres.CreateAsync(start: false);
        using var migrating = ProcessRunner.Start("dotnet", [WorkerProcess.WorkerDll, "migrate", "--wait", "60"],
            environment: Environment(pg.ConnectionString));
        // PostgreSQL is started only once the verb has found it down (a loaded machine can take seconds to start the process).
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!migrating.Output.Contains("Store unreachable at start-up (attempt 1:") && !migrating.HasExited && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        Assert.That(migrating.HasExited, Is.False, () => migrating.Output);

        await pg.StartAsync();
        using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90))) await migrating.WaitForExitAsync(limit.Token);
        var (code, output) = (migrating.ExitCode, migrating.Output);
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("Store unreachable at start-up (attempt 1:").And.Contain("Giving up at"));
        Assert.That(output, Does.Contain("Store reachable after").And.Contain("Schema is current."));
        Assert.That(output, Does.Not.Contain("   at "), "no stack trace for a store that is not up yet");
        await using var c = new NpgsqlConnection(pg.ConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM schemaversions", c);
        Assert.That(Convert.ToInt32(await cmd.ExecuteScalarAsync()), Is.GreaterThan(10));
    }

    [Test]
    public async Task Migrate_gives_up_after_its_wait_with_one_line_naming_the_store_and_exit_3()
    {
        await using var pg = await PrivatePostgres.CreateAsync(start: false);
        var watch = Stopwatch.StartNew();
        var (code, output) = await ProcessRunner.RunAsync("dotnet", [WorkerProcess.WorkerDll, "migrate", "--wait", "3"],
            environment: Environment(pg.ConnectionString), timeout: TimeSpan.FromSeconds(60));
        watch.Stop();
        Assert.That(code, Is.EqualTo(3), output);
        Assert.That(output, Does.Contain($"Nothing done: PostgreSQL at 127.0.0.1:{pg.Port}/monitor unreachable after "));
        Assert.That(output, Does.Contain("Store unreachable at start-up (attempt 2:"), "one line per attempt");
        Assert.That(output, Does.Not.Contain("   at ").And.Not.Contain("Schema migration failed"));
        // Start-up of the process is most of it on a loaded machine; the wait itself is bounded by --wait.
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(40)));
    }

    /// <summary>
    /// <c>erase</c> and <c>directory-sync</c> need the store too (issue 13): bounded by their own <c>--wait</c>, they give up
    /// like <c>migrate</c>, exit 3 with one line naming the store, nothing done and no stack trace.
    /// </summary>
    [TestCase("erase", "--user", "u001")]
    [TestCase("directory-sync")]
    public async Task A_verb_needing_the_store_gives_up_after_its_wait_with_one_line_naming_the_store_and_exit_3(
        params string[] verb)
    {
        await using var pg = await PrivatePostgres.CreateAsync(start: false);
        var watch = Stopwatch.StartNew();
        var (code, output) = await ProcessRunner.RunAsync("dotnet", [WorkerProcess.WorkerDll, .. verb, "--wait", "3"],
            environment: Environment(pg.ConnectionString), timeout: TimeSpan.FromSeconds(90));
        watch.Stop();
        Assert.That(code, Is.EqualTo(3), output);
        Assert.That(output, Does.Contain($"Nothing done: PostgreSQL at 127.0.0.1:{pg.Port}/monitor unreachable after "));
        Assert.That(output, Does.Contain("Store unreachable at start-up (attempt 1:"));
        Assert.That(output, Does.Not.Contain("   at ").And.Not.Contain("Erased").And.Not.Contain("Directory imported"));
        // The default wait is a minute: well under it, the wait given was the one waited.
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(40)));
    }

    [TestCase("migrate")]
    [TestCase("erase", "--user", "u001")]
    [TestCase("directory-sync")]
    public async Task A_negative_wait_is_refused(params string[] verb)
    {
        var nowhere = $"Host=127.0.0.1;Port={TestPaths.FreePort()};Username=postgres;Database=monitor";
        var (code, output) = await ProcessRunner.RunAsync("dotnet", [WorkerProcess.WorkerDll, .. verb, "--wait", "-1"],
            environment: Environment(nowhere), timeout: TimeSpan.FromSeconds(60));
        Assert.That(code, Is.Not.Zero, output);
        Assert.That(output, Does.Contain("--wait must be 0 or more seconds."));
    }

    private static Dictionary<string, string> Environment(string connectionString) => new()
    {
        ["Storage__Provider"] = "postgres",
        ["Storage__ConnectionString"] = connectionString,
        ["Directory__CsvPath"] = TestPaths.Samples("users.csv"),
        ["Mail__PickupDirectory"] = TestPaths.NewTempDir("sm-pickup"),
        ["Logging__Console__FormatterName"] = "simple",
        ["DOTNET_NOLOGO"] = "1",
    };
}
