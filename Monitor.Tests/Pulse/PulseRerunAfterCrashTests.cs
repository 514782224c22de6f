using Dapper;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Storage;

namespace Monitor.Tests.Pulse;

/// <summary>
/// kill -9 in the middle of a pulse dispatch on PostgreSQL with clustered Quartz (issue 13), then a manual run right after the
/// restart: it starts at once instead of waiting until Quartz declares the dead node failed and unblocks its job (12.5 s or
/// more after the dead node's last check-in, which the test moves a minute ahead), and nobody gets two pulses from the resumed and the manual dispatch together.
/// </summary>
public sealed class PulseRerunAfterCrashTests
{
    private const int Extra = 3000;

    [Test]
    public async Task A_manual_run_right_after_a_crash_mid_dispatch_starts_at_once_and_queues_everyone_once()
    {
        await using var crash = await DispatchCrash.KillMidDispatchAsync(Stores.Postgres, Extra);
        var (db, world, due, atCrash) = (crash.Db, crash.World, crash.Due, crash.AtCrash);
        Assert.That(atCrash, Is.InRange(1, due - 1), "caught in the middle of the dispatch");
        Assert.That(await PulseRunsAsync(db), Is.Empty, "the killed run never finished");

        // Quartz declares a node failed 12.5 s after its last check-in; a restart on a busy machine can take longer than that.
        // Moving the dead node's check-in a minute ahead makes "right after the restart" independent of the machine's speed.
        await using (var c = await db.OpenAsync())
            await c.ExecuteAsync("UPDATE qrtz_scheduler_state SET last_checkin_time = last_checkin_time + 600000000");
        await world.CrashAndRestartAsync();
        var posted = DateTimeOffset.UtcNow;
        await world.DispatchAsync();
        var until = DateTime.UtcNow.AddSeconds(20);
        while ((await PulseRunsAsync(db)).Count == 0 && DateTime.UtcNow < until) await Task.Delay(100);
        var runs = await PulseRunsAsync(db);
        Assert.That(runs, Has.Count.EqualTo(1), "the manual run was recorded:\n" + world.Worker.Log);
        var delay = DateTimeOffset.FromUnixTimeMilliseconds(runs[0].StartedAt) - posted;
        await TestContext.Out.WriteLineAsync($"{atCrash} of {due} queued at the crash; the manual run started {delay.TotalSeconds:F2} s after " +
            $"the POST: {runs[0].Message}");
        Assert.That(delay, Is.LessThan(TimeSpan.FromSeconds(3)), "not blocked behind Quartz's recovery of the dead node");

        var (pulses, people) = await crash.SettledCountAsync();
        Assert.That(pulses, Is.EqualTo(due), "everyone due was queued");
        Assert.That(people, Is.EqualTo(due), "nobody twice");
    }

    private static async Task<List<(long StartedAt, string Message)>> PulseRunsAsync(Database db)
    {
        await using var c = await db.OpenAsync();
        return (await c.QueryAsync<(long, string)>("SELECT started_at, message FROM job_runs WHERE job = 'pulse'")).ToList();
    }
}
