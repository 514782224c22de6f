using System.Diagnostics;
using Monitor.Tests.Infrastructure;

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
        await using var crash = await DispatchCrash.KillMidDispatchAsync(provider, Extra);
        var (world, due, atCrash) = (crash.World, crash.Due, crash.AtCrash);
        await TestContext.Out.WriteLineAsync($"{provider}: {atCrash} of {due} queued at the crash");
        Assert.That(atCrash, Is.InRange(1, due - 1), "caught in the middle of the dispatch");

        var clock = Stopwatch.StartNew();
        await world.CrashAndRestartAsync();
        var (pulses, people) = await crash.SettledCountAsync();
        await TestContext.Out.WriteLineAsync(
            $"{provider}: {pulses} pulses for {people} people {clock.Elapsed.TotalSeconds:F1} s after restart");
        Assert.That(pulses, Is.EqualTo(due), "the rest were queued without a scheduled run");
        Assert.That(people, Is.EqualTo(due), "nobody twice");
    }
}
