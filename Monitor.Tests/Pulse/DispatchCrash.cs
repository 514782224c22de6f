using Dapper;
using Microsoft.Extensions.Options;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Storage;

namespace Monitor.Tests.Pulse;

/// <summary>
/// A pulse dispatch killed with SIGKILL part-way (issue 13), shared by the tests of what a restart does with it: the
/// world of the sample users plus <c>extra</c> due people on its own store, and how many pulses were queued at the crash.
/// </summary>
internal sealed class DispatchCrash : IAsyncDisposable
{
    private DispatchCrash(Database db, PulseWorld world, int due, long atCrash) => (Db, World, Due, AtCrash) = (db, world, due, atCrash);

    public Database Db { get; }
    public PulseWorld World { get; }

    /// <summary>Everyone due in the run.</summary>
    public int Due { get; }

    /// <summary>Pulses queued when the worker was killed.</summary>
    public long AtCrash { get; }

    /// <summary>Starts the world, posts a dispatch and kills the worker as soon as the first pulses are stored.</summary>
    public static async Task<DispatchCrash> KillMidDispatchAsync(string provider, int extra)
    {
        var storage = await Stores.NewAsync(provider);
        var db = new Database(Options.Create(storage));
        var world = await PulseWorld.StartAsync(provider, extraUsers: extra, settings: new Dictionary<string, string>
        {
            ["Storage:Provider"] = storage.Provider,
            ["Storage:ConnectionString"] = storage.ConnectionString,
            ["Pulse:MaxPerRun"] = "5000",
        });
        await world.DispatchAsync();
        var until = DateTime.UtcNow.AddSeconds(60);
        while ((await CountAsync(db)).Pulses == 0 && DateTime.UtcNow < until) await Task.Delay(20);
        world.Worker.Kill();
        return new DispatchCrash(db, world, PulseWorld.DueUsers.Length + extra, (await CountAsync(db)).Pulses);
    }

    /// <summary>Waits (bounded) until everyone due has a pulse, and a second more for any extra; then the counts.</summary>
    public async Task<(long Pulses, long People)> SettledCountAsync()
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while ((await CountAsync(Db)).Pulses < Due && DateTime.UtcNow < until) await Task.Delay(250);
        await Task.Delay(1000);
        return await CountAsync(Db);
    }

    private static async Task<(long Pulses, long People)> CountAsync(Database db)
    {
        await using var c = await db.OpenAsync();
        return await c.QuerySingleAsync<(long, long)>("SELECT COUNT(*), COUNT(DISTINCT user_id) FROM pulses");
    }

    public async ValueTask DisposeAsync()
    {
        await World.DisposeAsync();
        await Db.DisposeAsync();
    }
}
