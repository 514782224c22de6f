using System.Diagnostics;
using Dapper;
using Microsoft.Extensions.Options;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Storage;

namespace Monitor.Tests.Pulse;

/// <summary>
/// kill -9 in the middle of a pulse dispatch (issue 13): the restarted worker queues the rest by itself, without waiting for
/// the next scheduled run, and nobody gets two pulses.
/// </summary>
[TestFixture(Stores.Sqlite)]
[TestFixture(Stores.Postgres)]
public sealed class PulseDispatchResumeTests(string provider)
{
    private const int Extra = 3000;

    [Test]
    public async Task A_dispatch_killed_midway_is_resumed_at_the_next_start_and_queues_everyone_once()
    {
        var storage = await Stores.NewAsync(provider);
        await using var db = new Database(Options.Create(storage));
        await using var world = await PulseWorld.StartAsync(provider, extraUsers: Extra, settings: new Dictionary<string, string>
        {
            ["Storage:Provider"] = storage.Provider,
            ["Storage:ConnectionString"] = storage.ConnectionString,
            ["Pulse:MaxPerRun"] = "5000",
        });
        var due = PulseWorld.DueUsers.Length + Extra;
        await world.DispatchAsync();
        var until = DateTime.UtcNow.AddSeconds(60);
        while ((await CountAsync(db)).Pulses == 0 && DateTime.UtcNow < until) await Task.Delay(20);
        world.Worker.Kill();
        var atCrash = (await CountAsync(db)).Pulses;
        await TestContext.Out.WriteLineAsync($"{provider}: {atCrash} of {due} queued at the crash");
        Assert.That(atCrash, Is.InRange(1, due - 1), "caught in the middle of the dispatch");

        var clock = Stopwatch.StartNew();
        await world.CrashAndRestartAsync();
        until = DateTime.UtcNow.AddSeconds(60);
        while ((await CountAsync(db)).Pulses < due && DateTime.UtcNow < until) await Task.Delay(250);
        await Task.Delay(1000);
        var (pulses, people) = await CountAsync(db);
        await TestContext.Out.WriteLineAsync(
            $"{provider}: {pulses} pulses for {people} people {clock.Elapsed.TotalSeconds:F1} s after restart");
        Assert.That(pulses, Is.EqualTo(due), "the rest were queued without a scheduled run");
        Assert.That(people, Is.EqualTo(due), "nobody twice");
    }

    private static async Task<(long Pulses, long People)> CountAsync(Database db)
    {
        await using var c = await db.OpenAsync();
        return await c.QuerySingleAsync<(long, long)>("SELECT COUNT(*), COUNT(DISTINCT user_id) FROM pulses");
    }
}
