using System.Diagnostics;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Monitor.Core.Pulses;
using Monitor.Core.Users;
using Monitor.Probes.Pulse;
using Monitor.Probes.Pulse.Channels;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Pulse;
using Monitor.Worker.Scheduling;
using Monitor.Worker.Storage;

namespace Monitor.Tests.Pulse;

/// <summary>
/// The outbox claims several batches under one lease and marks them one batch at a time (issue 13, dispatch speed), is woken
/// by a commit instead of waiting for its poll, and PostgreSQL's storage settings for the outbox apply on PostgreSQL only.
/// </summary>
[TestFixture(Stores.Sqlite)]
[TestFixture(Stores.Postgres)]
public sealed class OutboxClaimTests(string provider) : OnEachStore(provider)
{

    private static async Task QueueAsync(PulseRepository store, int count, string channel = GatedChannel.ChannelName)
    {
        var now = DateTimeOffset.UtcNow;
        await store.CreateManyAsync(Enumerable.Range(0, count).Select(i => new NewPulse(
            new PulseRecord(Guid.CreateVersion7(), $"x{i}", "default", PulseReasons.Manual, now.AddSeconds(-1), now.AddDays(7)),
            channel, $"x{i}@example.com", $"message {i}")).ToList(), default);
    }

    private OutboxSender Sender(PulseRepository store, GatedChannel channel, OutboxOptions outbox, OutboxWakeup? wakeup = null) =>
        new(store, new PulseChannels([channel], Options.Create(new PulseOptions())), Options.Create(new MailOptions { Outbox = outbox }),
            new NodeIdentity("claim-test"), TimeProvider.System, NullLogger<OutboxSender>.Instance, wakeup: wakeup);

    private async Task<(long Sent, long HeldUnsent, long Claimants)> OutboxStateAsync()
    {
        await using var c = await Db.OpenAsync();
        return await c.QuerySingleAsync<(long, long, long)>(
            """
            SELECT CAST(SUM(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT),
                   CAST(SUM(CASE WHEN sent_at IS NULL AND claimed_by IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT),
                   CAST(COUNT(DISTINCT claimed_by) AS BIGINT)
            FROM outbox
            """);
    }

    [Test]
    public async Task A_claim_of_several_batches_is_marked_batch_by_batch_so_a_crash_resends_at_most_one_batch()
    {
        var store = new PulseRepository(Db);
        await QueueAsync(store, 120);
        // The channel stops inside the second batch, at the 61st message, as a sender killed there would.
        var channel = new GatedChannel { HoldAt = 61 };
        using var sender = Sender(store, channel, new OutboxOptions { ClaimSize = 120, BatchSize = 50 });
        await sender.StartAsync(default);
        await channel.Held.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var (sent, held, claimants) = await OutboxStateAsync();
        Assert.That(sent, Is.EqualTo(50), "the first batch is marked before the second is sent");
        Assert.That(held, Is.EqualTo(70), "the rest of the claim is held under the same lease");
        Assert.That(claimants, Is.EqualTo(1), "one claim for all 120");
        Assert.That(channel.Delivered - sent, Is.LessThanOrEqualTo(50), "delivered but unmarked: at most one batch");

        channel.Release.SetResult();
        var until = DateTime.UtcNow.AddSeconds(30);
        while (await store.BacklogAsync(default) > 0 && DateTime.UtcNow < until) await Task.Delay(100);
        await sender.StopAsync(default);
        Assert.That(channel.Recipients, Is.Unique);
        Assert.That(channel.Recipients, Has.Count.EqualTo(120));
        Assert.That(await store.BacklogAsync(default), Is.EqualTo(0));
    }

    [Test]
    public async Task An_idle_sender_is_woken_by_a_commit_instead_of_waiting_for_its_poll()
    {
        var wakeup = new OutboxWakeup();
        var store = new PulseRepository(Db, wakeup);
        var channel = new GatedChannel();
        using var sender = Sender(store, channel, new OutboxOptions { PollInterval = TimeSpan.FromMinutes(5) }, wakeup);
        await sender.StartAsync(default);
        // Let it find the outbox empty and go to sleep for its poll interval.
        await Task.Delay(1000);

        var clock = Stopwatch.StartNew();
        await QueueAsync(store, 3);
        var until = DateTime.UtcNow.AddSeconds(20);
        while (channel.Delivered < 3 && DateTime.UtcNow < until) await Task.Delay(20);
        var woken = clock.Elapsed;
        await sender.StopAsync(default);
        await TestContext.Out.WriteLineAsync($"{Provider}: sent {woken.TotalMilliseconds:F0} ms after the commit (poll interval 5 min)");
        Assert.That(channel.Delivered, Is.EqualTo(3));
        Assert.That(woken, Is.LessThan(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public async Task Two_send_loops_woken_by_one_commit_claim_disjoint_batches_and_send_every_message_once()
    {
        var wakeup = new OutboxWakeup();
        var store = new PulseRepository(Db, wakeup);
        // Each batch takes a moment at the channel, as a batch waits on its mail server: the loops' batches overlap.
        var channel = new GatedChannel { BatchDelay = TimeSpan.FromMilliseconds(20) };
        using var sender = Sender(store, channel,
            new OutboxOptions { Connections = 2, ClaimSize = 25, BatchSize = 25, PollInterval = TimeSpan.FromMinutes(5) }, wakeup);
        await sender.StartAsync(default);
        // Both loops find the outbox empty and sleep for their poll interval: only the commit's wake-up can start them.
        await Task.Delay(1000);

        await QueueAsync(store, 500);
        var until = DateTime.UtcNow.AddSeconds(60);
        while (await store.BacklogAsync(default) > 0 && DateTime.UtcNow < until) await Task.Delay(50);
        await sender.StopAsync(default);
        var (sent, held, claimants) = await OutboxStateAsync();
        await TestContext.Out.WriteLineAsync($"{Provider}: {channel.Delivered} delivered by {claimants} claims, at most {channel.MostAtOnce} batches at once");
        Assert.That(channel.MostAtOnce, Is.EqualTo(2), "both loops woken and sending at the same time");
        Assert.That(channel.Recipients, Is.Unique, "no message claimed by both loops");
        Assert.That(channel.Recipients, Has.Count.EqualTo(500), "none missing");
        Assert.That((sent, held), Is.EqualTo((500L, 0L)));
        Assert.That(claimants, Is.GreaterThanOrEqualTo(20), "a claim per batch of 25");
    }

    [Test]
    public async Task Two_send_loops_write_every_message_once_into_the_pickup_folder()
    {
        var folder = TestPaths.NewTempDir("sm-pickup");
        var store = new PulseRepository(Db);
        await QueueAsync(store, 300, EmailChannel.ChannelName);
        var mail = Options.Create(new MailOptions
        {
            PickupDirectory = folder,
            Outbox = new OutboxOptions { Connections = 2, ClaimSize = 10, BatchSize = 10 },
        });
        using var email = new EmailChannel(mail);
        using var sender = new OutboxSender(store, new PulseChannels([email], Options.Create(new PulseOptions())), mail,
            new NodeIdentity("pickup-test"), TimeProvider.System, NullLogger<OutboxSender>.Instance);
        await sender.StartAsync(default);
        var until = DateTime.UtcNow.AddSeconds(60);
        while (await store.BacklogAsync(default) > 0 && DateTime.UtcNow < until) await Task.Delay(50);
        await sender.StopAsync(default);

        var files = Directory.GetFiles(folder);
        Assert.That(files, Has.Length.EqualTo(300), "one file a message, no temporary file left");
        Assert.That(files.Select(File.ReadAllText), Is.EquivalentTo(Enumerable.Range(0, 300).Select(i => $"message {i}")));
        var (sent, held, claimants) = await OutboxStateAsync();
        Assert.That((sent, held, claimants), Is.EqualTo((300L, 0L, 30L)), "claims of 10, none overlapping");
    }

    [Test]
    public async Task The_outbox_storage_settings_apply_on_PostgreSQL_and_SQLite_migrates_without_them()
    {
        await using var c = await Db.OpenAsync();
        if (!Db.IsPostgres)
        {
            var scripts = (await c.QueryAsync<string>("SELECT ScriptName FROM SchemaVersions")).ToList();
            Assert.That(scripts, Has.Some.Contains("0013_"), "the journal is read");
            Assert.That(scripts, Has.None.Contains(".postgres."), "PostgreSQL-only scripts are not run on SQLite");
            return;
        }
        var options = await c.ExecuteScalarAsync<string>("SELECT array_to_string(reloptions, ',') FROM pg_class WHERE relname = 'outbox'");
        Assert.That(options, Does.Contain("fillfactor=50"), "room on each page for the claim's update to stay on it (HOT)");
        var compression = await c.ExecuteScalarAsync<string>(
            "SELECT attcompression::text FROM pg_attribute WHERE attrelid = 'outbox'::regclass AND attname = 'message'");
        Assert.That(compression, Is.EqualTo("l"), "the rendered message is compressed with lz4");
    }

    /// <summary>Records what it delivers; with <see cref="HoldAt"/> it stops before that message until released.</summary>
    private sealed class GatedChannel : IPulseChannel
    {
        public const string ChannelName = "gated";

        private readonly List<string> _recipients = [];

        public int HoldAt { get; init; }

        /// <summary>How long each batch takes, with <see cref="MostAtOnce"/> the most batches seen delivering at the same time.</summary>
        public TimeSpan BatchDelay { get; init; }

        private int _atOnce;

        public int MostAtOnce { get; private set; }

        public TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Delivered
        {
            get
            {
                lock (_recipients) return _recipients.Count;
            }
        }

        public IReadOnlyList<string> Recipients
        {
            get
            {
                lock (_recipients) return _recipients.ToList();
            }
        }

        public string Name => ChannelName;

        public bool CanReach(User user) => true;

        public OutboxPayload Render(ComposedPulse pulse) => throw new NotSupportedException();

        public async Task DeliverAsync(IReadOnlyList<OutboxMessage> batch, ICollection<OutboxMessage> delivered, CancellationToken ct)
        {
            lock (_recipients) MostAtOnce = Math.Max(MostAtOnce, ++_atOnce);
            try
            {
                if (BatchDelay > TimeSpan.Zero) await Task.Delay(BatchDelay, ct);
                await DeliverEachAsync(batch, delivered, ct);
            }
            finally
            {
                lock (_recipients) _atOnce--;
            }
        }

        private async Task DeliverEachAsync(IReadOnlyList<OutboxMessage> batch, ICollection<OutboxMessage> delivered, CancellationToken ct)
        {
            foreach (var m in batch)
            {
                if (Delivered + 1 == HoldAt)
                {
                    Held.TrySetResult();
                    await Release.Task.WaitAsync(ct);
                }
                lock (_recipients) _recipients.Add(m.Recipient);
                delivered.Add(m);
            }
        }
    }
}
