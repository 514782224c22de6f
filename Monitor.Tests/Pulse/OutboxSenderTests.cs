using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Pulses;
using Monitor.Probes.Pulse;
using Monitor.Probes.Pulse.Channels;
using Monitor.Tests.Pulse.Fakes;
using Monitor.Worker.Pulse;
using Monitor.Worker.Scheduling;

namespace Monitor.Tests.Pulse;

/// <summary>The outbox sender hands each message to the channel that rendered it, and drops nothing.</summary>
public sealed class OutboxSenderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task Each_message_goes_to_its_own_channel_a_failing_one_is_retried_and_an_unknown_one_waits()
    {
        var time = new FakeTimeProvider(T0);
        var store = new InMemoryPulseStore();
        var (email, sms) = (new FakeChannel("email"), new FakeChannel("sms") { FailFirst = 1 });
        var pulses = new[] { "email", "email", "sms", "gone" }.Select((channel, i) =>
            new NewPulse(new PulseRecord(Guid.NewGuid(), $"u{i}", "default", PulseReasons.Manual, T0, T0.AddDays(7)), channel, $"u{i}", "m"))
            .ToList();
        await store.CreateManyAsync(pulses, default);
        var sender = new OutboxSender(store, new PulseChannels([email, sms], Options.Create(new PulseOptions())),
            Options.Create(new MailOptions()), new NodeIdentity("test"), time, NullLogger<OutboxSender>.Instance);

        Assert.That(await sender.DrainOnceAsync(default), Is.EqualTo(3));
        Assert.That(email.Delivered.Select(m => m.PulseId), Is.EqualTo(pulses.Take(2).Select(p => (Guid?)p.Pulse.Id)));
        Assert.That(sms.Delivered.Single().PulseId, Is.EqualTo(pulses[2].Pulse.Id), "delivered on the retry");
        Assert.That(await store.BacklogAsync(default), Is.EqualTo(1), "the message of an unregistered channel is kept");
        Assert.That(store.LastError(pulses[3].Pulse.Id), Does.Contain("no channel 'gone'"));
        Assert.That(await sender.DrainOnceAsync(default), Is.EqualTo(0), "and waits out its backoff");
    }
}
