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

/// <summary>A store outage fails every poll of every send loop: the log gets a line now and then, not a stack trace each time.</summary>
public sealed class OutboxOutageLogTests
{
    [Test]
    public async Task An_unavailable_store_is_reported_in_one_line_without_a_stack_trace_however_often_the_loops_poll()
    {
        var store = new UnavailableOutbox();
        var logger = new Monitor.Tests.Infrastructure.ListLogger<OutboxSender>();
        var mail = new MailOptions { Outbox = { Connections = 2, PollInterval = TimeSpan.FromMilliseconds(5) } };
        using var sender = new OutboxSender(store, new PulseChannels([], Options.Create(new PulseOptions())), Options.Create(mail),
            new NodeIdentity("test"), TimeProvider.System, logger);

        await sender.StartAsync(default);
        var until = DateTime.UtcNow.AddSeconds(10);
        while (store.Claims < 40 && DateTime.UtcNow < until) await Task.Delay(10);
        await sender.StopAsync(default);

        Assert.That(store.Claims, Is.GreaterThanOrEqualTo(40), "both loops kept polling through the outage");
        List<string> lines;
        List<Exception?> exceptions;
        lock (logger.Lines) (lines, exceptions) = ([.. logger.Lines], [.. logger.Exceptions]);
        var outage = lines.Select((line, i) => (line, i)).Where(l => l.line.Contains("Outbox:", StringComparison.Ordinal) &&
                                                                      !l.line.StartsWith("Outbox sender started", StringComparison.Ordinal)).ToList();
        Assert.That(outage, Has.Count.EqualTo(1), string.Join("\n", lines));
        Assert.That(outage[0].line, Does.Contain("store is unavailable").And.Contain("SocketException"));
        Assert.That(exceptions[outage[0].i], Is.Null, "no stack trace");
    }

    private sealed class UnavailableOutbox : Monitor.Core.Ports.IOutboxStore
    {
        private int _claims;
        public int Claims => Volatile.Read(ref _claims);

        public Task<IReadOnlyList<OutboxMessage>> ClaimAsync(string claimant, DateTimeOffset now, DateTimeOffset until, int limit,
            CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _claims);
            throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused);
        }

        public Task<int> RenewAsync(string claimant, DateTimeOffset until, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<int> MarkSentAsync(string claimant, IReadOnlyCollection<OutboxMessage> sent, DateTimeOffset now,
            CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task MarkFailedAsync(string claimant, IReadOnlyCollection<OutboxMessage> failed, DateTimeOffset nextAttempt, string error,
            CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task ReleaseAsync(string claimant, IReadOnlyCollection<OutboxMessage> messages, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
        public Task EnqueueAsync(IReadOnlyCollection<OutboxDraft> drafts, DateTimeOffset now, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
        public Task<long> BacklogAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
