using System.Diagnostics;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Pulse;

/// <summary>
/// SIGTERM while a batch is in flight (issue 13): the real worker finishes the batch within the shutdown limit and marks it,
/// so a restart sends nothing twice and nothing waits out a lease; with two send loops (<c>Mail:Outbox:Connections</c>), each
/// loop's batch.
/// </summary>
[TestFixture(Stores.Sqlite)]
[TestFixture(Stores.Postgres)]
public sealed class OutboxShutdownTests(string provider)
{
    [Test]
    public async Task Sigterm_mid_batch_finishes_each_loops_batch_marks_it_and_a_restart_sends_nothing_twice()
    {
        // One DATA a second per session: each loop's batch of 5 takes some 5 s, well inside the 20 s shutdown limit.
        using var sink = await SmtpSink.StartAsync(dataDelaySeconds: 1);
        await using var world = await PulseWorld.StartAsync(provider, sink, extraUsers: 6, settings: new Dictionary<string, string>
        {
            ["Mail:Outbox:Connections"] = "2",
            ["Mail:Outbox:ClaimSize"] = "5",
            ["Mail:Outbox:BatchSize"] = "5",
        });
        var due = PulseWorld.DueUsers.Length + 6;
        await world.DispatchAsync();
        var until = DateTime.UtcNow.AddSeconds(30);
        var sessions = 0;
        while (sink.CompleteMessages().Count < 2 && DateTime.UtcNow < until)
        {
            sessions = Math.Max(sessions, sink.OpenSessions());
            await Task.Delay(50);
        }
        Assert.That(sink.CompleteMessages(), Has.Count.InRange(1, due - 4), "caught in the middle of both batches");
        Assert.That(Math.Max(sessions, sink.OpenSessions()), Is.EqualTo(2), "two SMTP sessions sending at once");

        var clock = Stopwatch.StartNew();
        world.Worker.Terminate();
        using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30))) await world.Worker.WaitForExitAsync(limit.Token);
        var stopped = clock.Elapsed;
        var atExit = sink.CompleteMessages().Count;
        await TestContext.Out.WriteLineAsync($"{provider}: exited {stopped.TotalSeconds:F1} s after SIGTERM with {atExit} of {due} sent");
        var log = world.Worker.Log;
        Assert.That(atExit, Is.EqualTo(due),
            $"the batch in flight was finished (exit {world.Worker.ExitCode})\n{log[^Math.Min(6000, log.Length)..]}");
        Assert.That(world.Worker.Log, Does.Not.Contain("did not finish within"), "no watchdog kill");
        // Any other code is a failed stop for what supervises the process (systemd marks the unit failed).
        Assert.That(world.Worker.ExitCode, Is.EqualTo(0), $"a clean exit\n{log[^Math.Min(3000, log.Length)..]}");

        await world.CrashAndRestartAsync();
        await world.Worker.WaitForMetricsAsync(t => t.Contains("satisfaction_outbox_backlog 0"), TimeSpan.FromSeconds(30));
        await Task.Delay(2000);
        var recipients = sink.CompleteMessages().Select(PulseWorld.Recipient).ToList();
        Assert.That(recipients, Is.Unique, "what was delivered before SIGTERM was marked sent");
        Assert.That(recipients, Has.Count.EqualTo(due));
    }
}
