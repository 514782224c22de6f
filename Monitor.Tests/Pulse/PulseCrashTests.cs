using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Pulse;

/// <summary>
/// The worker SIGKILLed while it sends: the rest go out after a restart, duplicates at most the batch in flight of each of
/// its two send loops (<c>Mail:Outbox:Connections</c>).
/// </summary>
[TestFixture(Stores.Sqlite)]
[TestFixture(Stores.Postgres)]
public sealed class PulseCrashTests(string provider)
{
    private const int BatchSize = 4;

    private const int Loops = 2;

    [Test]
    public async Task After_a_crash_mid_dispatch_every_pulse_is_sent_and_duplicates_are_at_most_the_batch_in_flight()
    {
        // The sink answers DATA after a second: sending is slow enough to be caught in the middle.
        using var sink = await SmtpSink.StartAsync(dataDelaySeconds: 1);
        await using var world = await PulseWorld.StartAsync(provider, sink, extraUsers: 10, settings: new Dictionary<string, string>
        {
            ["Mail:Outbox:BatchSize"] = BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mail:Outbox:Lease"] = "00:00:05",
            // Claims of one batch: both loops have a batch in flight when the worker is killed.
            ["Mail:Outbox:ClaimSize"] = BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mail:Outbox:Connections"] = Loops.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var due = PulseWorld.DueUsers.Length + 10;
        await world.DispatchAsync();
        var until = DateTime.UtcNow.AddSeconds(30);
        while (sink.CompleteMessages().Count < 2 && DateTime.UtcNow < until) await Task.Delay(100);
        Assert.That(sink.CompleteMessages(), Has.Count.InRange(1, due - 1), "caught in the middle");

        await world.CrashAndRestartAsync();
        until = DateTime.UtcNow.AddSeconds(90);
        while (sink.CompleteMessages().Select(PulseWorld.Recipient).Distinct().Count() < due && DateTime.UtcNow < until) await Task.Delay(250);
        await world.Worker.WaitForMetricsAsync(t => t.Contains("satisfaction_outbox_backlog 0"), TimeSpan.FromSeconds(30));

        var recipients = sink.CompleteMessages().Select(PulseWorld.Recipient).ToList();
        await TestContext.Out.WriteLineAsync($"{provider}: {recipients.Count} messages for {due} users after the crash");
        Assert.That(recipients.Distinct().Count(), Is.EqualTo(due), "everyone got their pulse");
        Assert.That(recipients.Count - due, Is.InRange(0, Loops * BatchSize), "duplicates at most each loop's batch in flight");
    }
}
