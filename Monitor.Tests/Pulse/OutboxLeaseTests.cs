using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;
using Monitor.Core.Pulses;
using Monitor.Probes.Pulse;
using Monitor.Probes.Pulse.Channels;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Pulse;
using Monitor.Worker.Scheduling;
using Monitor.Worker.Storage;

namespace Monitor.Tests.Pulse;

/// <summary>
/// The outbox lease on both stores (issue 13): renewed while a slow mail server stalls the batch, so a second sender never
/// sends it again; marks and releases touch only the claim's own rows; a dead sender's batch is taken over within seconds.
/// </summary>
[TestFixture(Stores.Sqlite)]
[TestFixture(Stores.Postgres)]
public sealed class OutboxLeaseTests(string provider) : OnEachStore(provider)
{
    private PulseRepository _store = null!;

    [SetUp]
    public void CreateRepository() => _store = new PulseRepository(Db);

    /// <summary>Queues <paramref name="count"/> pulses due now, each a small real e-mail to x{i}@example.com.</summary>
    private async Task QueueAsync(int count)
    {
        var now = DateTimeOffset.UtcNow;
        var pulses = Enumerable.Range(0, count).Select(i =>
        {
            var p = new PulseRecord(Guid.CreateVersion7(), $"x{i}", "default", PulseReasons.Manual, now.AddSeconds(-1), now.AddDays(7));
            var mail = new MimeMessage([MailboxAddress.Parse("pulse@example.com")], [MailboxAddress.Parse($"x{i}@example.com")], "Pulse",
                new BodyBuilder { TextBody = "How happy?", HtmlBody = "<html><body>How happy?</body></html>" }.ToMessageBody());
            return new NewPulse(p, "email", $"x{i}@example.com", PulseMail.Serialise(mail));
        }).ToList();
        await _store.CreateManyAsync(pulses, default);
    }

    private OutboxSender Sender(string node, int port, int batchSize, TimeSpan lease) =>
        new(new PulseRepository(Db), Channels(port), Options.Create(Mail(port, batchSize, lease)), new NodeIdentity(node),
            TimeProvider.System, NullLogger<OutboxSender>.Instance);

    private static MailOptions Mail(int port, int batchSize, TimeSpan lease) => new()
    {
        Smtp = new SmtpOptions { Host = "127.0.0.1", Port = port, Security = MailKit.Security.SecureSocketOptions.None },
        Outbox = new OutboxOptions { BatchSize = batchSize, Lease = lease, PollInterval = TimeSpan.FromMilliseconds(200) },
    };

    private static PulseChannels Channels(int port) =>
        new([new EmailChannel(Options.Create(Mail(port, 1, TimeSpan.FromSeconds(5))))], Options.Create(new PulseOptions()));

    [Test]
    public async Task A_batch_slower_than_its_lease_is_renewed_and_never_sent_again_by_a_second_sender()
    {
        // One DATA a second: a batch of 8 takes 8 s against a 5 s lease; the other sender is idle after its 2 messages.
        using var sink = await SmtpSink.StartAsync(dataDelaySeconds: 1);
        await QueueAsync(10);
        using var a = Sender("a", sink.Port, batchSize: 8, TimeSpan.FromSeconds(5));
        using var b = Sender("b", sink.Port, batchSize: 8, TimeSpan.FromSeconds(5));
        await a.StartAsync(default);
        await b.StartAsync(default);
        await sink.WaitForAsync(10, TimeSpan.FromSeconds(40));
        var until = DateTime.UtcNow.AddSeconds(20);
        while (await _store.BacklogAsync(default) > 0 && DateTime.UtcNow < until) await Task.Delay(200);
        await Task.Delay(2500);
        await Task.WhenAll(a.StopAsync(default), b.StopAsync(default));

        var recipients = sink.CompleteMessages().Select(PulseWorld.Recipient).ToList();
        await TestContext.Out.WriteLineAsync($"{Provider}: {recipients.Count} messages for 10 pulses");
        Assert.That(recipients, Is.Unique, "nothing sent twice");
        Assert.That(recipients, Has.Count.EqualTo(10));
        Assert.That(await _store.BacklogAsync(default), Is.EqualTo(0));
    }

    [Test]
    public async Task A_sender_whose_lease_ran_out_marks_and_releases_nothing_of_the_batch_another_sender_took()
    {
        await QueueAsync(3);
        var t0 = DateTimeOffset.UtcNow;
        var first = await _store.ClaimAsync("a/1", t0, t0.AddSeconds(5), 10, default);
        Assert.That(await _store.RenewAsync("a/1", t0.AddSeconds(10), default), Is.EqualTo(3));
        Assert.That(await _store.ClaimAsync("b/1", t0.AddSeconds(7), t0.AddSeconds(12), 10, default), Is.Empty, "renewed: still a's");

        var second = await _store.ClaimAsync("b/2", t0.AddSeconds(11), t0.AddSeconds(16), 10, default);
        Assert.That(second, Has.Count.EqualTo(3), "a's lease ran out: b takes the batch");
        Assert.That(await _store.RenewAsync("a/1", t0.AddSeconds(20), default), Is.EqualTo(0), "a learns it lost the batch");
        Assert.That(await _store.MarkSentAsync("a/1", first, t0.AddSeconds(12), default), Is.EqualTo(0));
        await _store.ReleaseAsync("a/1", first, default);
        await _store.MarkFailedAsync("a/1", first, t0, "late", default);
        Assert.That(await _store.ClaimAsync("c/1", t0.AddSeconds(13), t0.AddSeconds(18), 10, default), Is.Empty, "b's claim stands");

        Assert.That(await _store.MarkSentAsync("b/2", second.Take(2).ToList(), t0.AddSeconds(14), default), Is.EqualTo(2));
        await _store.ReleaseAsync("b/2", second, default);
        Assert.That(await _store.ClaimAsync("c/2", t0.AddSeconds(14), t0.AddSeconds(19), 10, default), Has.Count.EqualTo(1),
            "released on shutdown: due at once");
    }

    [Test]
    public async Task A_dead_senders_batch_is_taken_over_within_seconds_with_the_default_lease()
    {
        using var sink = await SmtpSink.StartAsync();
        await QueueAsync(4);
        var lease = new OutboxOptions().Lease;
        var now = DateTimeOffset.UtcNow;
        Assert.That(await _store.ClaimAsync("dead/1", now, now + lease, 10, default), Has.Count.EqualTo(4),
            "claimed, then the sender died");
        var clock = Stopwatch.StartNew();
        using var sender = Sender("alive", sink.Port, batchSize: 50, lease);
        await sender.StartAsync(default);
        await sink.WaitForAsync(4, TimeSpan.FromSeconds(40));
        await sender.StopAsync(default);
        await TestContext.Out.WriteLineAsync($"{Provider}: taken over after {clock.Elapsed.TotalSeconds:F1} s (lease {lease})");
        Assert.That(lease, Is.LessThanOrEqualTo(TimeSpan.FromSeconds(10)));
        Assert.That(clock.Elapsed, Is.LessThan(lease + TimeSpan.FromSeconds(3)));
    }
}
