using Dapper;
using Microsoft.Extensions.Options;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Pulse;
using Monitor.Worker.Storage;

namespace Monitor.Tests.Storage;

/// <summary>
/// Pooled PostgreSQL connections are not reset when they go back to the pool (the reset ran in PostgreSQL before every
/// reuse), so nothing session-level may live on them: the pulse dispatch lock, the one session-level lock, takes a
/// connection of its own whose session ends with it.
/// </summary>
public sealed class PostgresSessionTests
{
    [Test]
    public async Task The_dispatch_lock_session_ends_with_the_lock_so_no_pooled_connection_carries_it()
    {
        var options = await Stores.NewAsync(Stores.Postgres);
        await using var one = new Database(Options.Create(options));
        await using var two = new Database(Options.Create(options));
        using var first = new PulseDispatchLock(one);
        using var second = new PulseDispatchLock(two);

        var held = await first.TryAcquireAsync(default);
        Assert.That(held, Is.Not.Null);
        Assert.That(await second.TryAcquireAsync(default), Is.Null, "another replica waits");
        await using var c = await two.OpenAsync();
        var pid = await c.ExecuteScalarAsync<int>("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted");
        Assert.That(pid, Is.Not.Zero);

        await held!.DisposeAsync();
        Assert.That(await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM pg_stat_activity WHERE pid = @pid", new { pid }), Is.Zero,
            "the lock's session is closed, not parked in the pool");
        await using var again = await second.TryAcquireAsync(default);
        Assert.That(again, Is.Not.Null, "the other replica takes the lock at once");
    }

    [Test]
    public async Task Pooled_connections_keep_their_session_unless_the_connection_string_asks_for_the_reset()
    {
        var options = await Stores.NewAsync(Stores.Postgres);
        Assert.That(await SettingSeenAfterReuseAsync(options.ConnectionString), Is.True, "no reset by default");
        Assert.That(await SettingSeenAfterReuseAsync(options.ConnectionString + ";No Reset On Close=false"), Is.False,
            "the operator's choice is kept");

        async Task<bool> SettingSeenAfterReuseAsync(string connectionString)
        {
            await using var db = new Database(Options.Create(new StorageOptions { Provider = options.Provider, ConnectionString = connectionString }));
            await using (var c = await db.OpenAsync())
                await c.ExecuteAsync("SELECT set_config('application_name', 'left-behind', false)");
            await using var reused = await db.OpenAsync();
            return await reused.ExecuteScalarAsync<string>("SHOW application_name") == "left-behind";
        }
    }
}
