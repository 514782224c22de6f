using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Pulse;

/// <summary>Two workers on one PostgreSQL store drain the outbox together without sending anything twice.</summary>
public sealed class PulseReplicaTests
{
    [Test]
    public async Task Two_replicas_draining_one_outbox_send_every_pulse_exactly_once()
    {
        using var sink = await SmtpSink.StartAsync(dataDelaySeconds: 1);
        await using var world = await PulseWorld.StartAsync(Stores.Postgres, sink, extraUsers: 8, settings: new Dictionary<string, string>
        {
            ["Mail:Outbox:BatchSize"] = "2",
            // A claim of two as well: with the default claim (200) the first replica to look would take all twelve.
            ["Mail:Outbox:ClaimSize"] = "2",
        });
        await using var replica = await world.StartReplicaAsync();
        var due = PulseWorld.DueUsers.Length + 8;
        await world.DispatchAsync();
        var messages = await sink.WaitForAsync(due, TimeSpan.FromSeconds(60));
        await world.Worker.WaitForMetricsAsync(t => t.Contains("satisfaction_outbox_backlog 0"), TimeSpan.FromSeconds(30));
        await Task.Delay(1500);
        Assert.That(sink.Count, Is.EqualTo(due));
        Assert.That(messages.Select(PulseWorld.Recipient), Is.Unique);
        var sentByEach = new[] { await world.Worker.MetricsAsync(), await replica.MetricsAsync() }
            .Select(t => t.Split('\n').Single(l => l.StartsWith("satisfaction_pulses_sent_total ", StringComparison.Ordinal))).ToList();
        await TestContext.Out.WriteLineAsync(string.Join(" | ", sentByEach));
        Assert.That(sentByEach, Has.None.EqualTo("satisfaction_pulses_sent_total 0"), "both replicas took batches");
    }
}
