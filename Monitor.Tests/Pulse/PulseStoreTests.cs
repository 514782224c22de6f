using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Pulses;
using Monitor.Core.Signals;
using Monitor.Core.Users;
using Monitor.Probes.Pulse;
using Monitor.Probes.Pulse.Channels;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Exporter;
using Monitor.Worker.Pulse;
using Monitor.Worker.Scheduling;
using Monitor.Worker.Storage;

namespace Monitor.Tests.Pulse;

/// <summary>The pulse tables and the outbox on both stores.</summary>
[TestFixture(Stores.Sqlite)]
[TestFixture(Stores.Postgres)]
public sealed class PulseStoreTests(string provider) : OnEachStore(provider)
{
    // A Monday, 10:00 in Paris.
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private FakeTimeProvider _time = null!;
    private PulseRepository _pulses = null!;
    private UserRepository _users = null!;
    private SignalRepository _signals = null!;
    private PulseOptions _options = null!;

    [SetUp]
    public void CreateRepositories()
    {
        _time = new FakeTimeProvider(T0);
        _pulses = new PulseRepository(Db);
        _users = new UserRepository(Db, _time);
        _signals = new SignalRepository(Db, _time);
        _options = new PulseOptions
        {
            SigningKeys = ["store-test-signing-key-0123456789ab"], PublicBaseUrl = "http://127.0.0.1:1", DailySampleRate = 1,
        };
    }

    private PulseService Service()
    {
        var links = new PulseLinks(new PulseTokenCodec(_options.SigningKeys), _options);
        var options = Options.Create(_options);
        var channels = new PulseChannels([new EmailChannel(Options.Create(new MailOptions()))], options);
        return new PulseService(_pulses, _users, new PulseComposer(links, _options), channels, options, _time,
            NullLogger<PulseService>.Instance);
    }

    private static User U(string id, bool active = true, bool optedOut = false, string tz = "Europe/Paris") =>
        new(id, $"{id}@example.com", $"User {id}", "Finance", "Paris", null, Rank.IndividualContributor, tz, "fr-FR", active, optedOut);

    [Test]
    public async Task A_dispatch_queues_one_pulse_per_due_user_and_none_again_within_the_fatigue_budget()
    {
        await _users.ReplaceAllAsync([U("a"), U("b"), U("inactive", active: false), U("out", optedOut: true), U("asleep", tz: "Asia/Tokyo")]);
        Assert.That(await Service().DispatchAsync(default), Is.EqualTo(2));
        Assert.That(await _pulses.BacklogAsync(default), Is.EqualTo(2));
        _time.Advance(TimeSpan.FromDays(1));
        Assert.That(await Service().DispatchAsync(default), Is.EqualTo(0), "the fatigue budget holds");
        _time.Advance(TimeSpan.FromDays(13));
        Assert.That(await Service().DispatchAsync(default), Is.EqualTo(2), "after the minimum interval they are due again");
    }

    [Test]
    public async Task A_follow_up_goes_to_an_acknowledged_user_after_the_delay_despite_the_fatigue_budget()
    {
        await _users.ReplaceAllAsync([U("a")]);
        await Service().DispatchAsync(default);
        await new AcknowledgementRepository(Db).SetAsync(new Monitor.Core.Evaluation.Acknowledgement("a", "on-call", null, _time.GetUtcNow(), null));
        _time.Advance(TimeSpan.FromDays(2));
        Assert.That(await Service().DispatchAsync(default), Is.EqualTo(0));
        _time.Advance(TimeSpan.FromDays(1));
        Assert.That(await Service().DispatchAsync(default), Is.EqualTo(1));
        _time.Advance(TimeSpan.FromDays(1));
        Assert.That(await Service().DispatchAsync(default), Is.EqualTo(0), "one follow-up per acknowledgement");
    }

    [Test]
    public async Task Two_senders_claim_disjoint_batches_and_a_crashed_senders_batch_is_claimed_again_after_its_lease()
    {
        await _users.ReplaceAllAsync(Enumerable.Range(0, 20).Select(i => U($"u{i}")).ToList());
        await Service().DispatchAsync(default);
        var now = _time.GetUtcNow();
        var claims = await Task.WhenAll(
            _pulses.ClaimAsync("one", now, now.AddMinutes(2), 8, default),
            _pulses.ClaimAsync("two", now, now.AddMinutes(2), 8, default));
        var ids = claims.SelectMany(c => c).Select(m => m.Id).ToList();
        Assert.That(ids, Is.Unique);
        Assert.That(ids, Has.Count.EqualTo(16));
        await _pulses.MarkSentAsync("two", claims[1], now, default);
        Assert.That(await _pulses.ClaimAsync("three", now, now.AddMinutes(2), 50, default), Has.Count.EqualTo(4), "claimed rows are leased");
        var later = now.AddMinutes(3);
        var reclaimed = await _pulses.ClaimAsync("three", later, later.AddMinutes(2), 50, default);
        Assert.That(reclaimed.Select(m => m.Id), Is.SupersetOf(claims[0].Select(m => m.Id)), "the dead sender's batch comes back");
        Assert.That(reclaimed.Select(m => m.Id), Is.Not.SupersetOf(claims[1].Select(m => m.Id)), "what was sent stays sent");
    }

    [Test]
    public async Task A_claim_takes_the_oldest_due_messages_along_the_due_index_without_sorting_the_backlog()
    {
        // A backlog of 2,000 due messages, queued a second apart: a claim must read about what it takes, not all of them.
        var queued = Enumerable.Range(0, 2000)
            .Select(i => new PulseRecord(Guid.NewGuid(), $"u{i}", "default", PulseReasons.Manual, T0.AddSeconds(i), T0.AddDays(7)))
            .ToList();
        await _pulses.CreateManyAsync(queued.Select(p => new NewPulse(p, "email", $"{p.UserId}@example.com", "m")).ToList(), default);
        var now = T0.AddHours(1);
        await using (var c = await Db.OpenAsync(default))
        {
            await c.ExecuteAsync("ANALYZE outbox");
            var args = new { claimant = "one", now, until = now.AddMinutes(2), limit = 200 };
            var plan = Provider == Stores.Postgres
                ? string.Join("\n", await c.QueryAsync<string>("EXPLAIN " + _pulses.ClaimSql, args))
                : string.Join("\n", (await c.QueryAsync("EXPLAIN QUERY PLAN " + _pulses.ClaimSql, args)).Select(r => (string)r.detail));
            Assert.That(plan, Does.Contain("ix_outbox_due"), plan);
            Assert.That(plan, Does.Not.Contain("Sort").And.Not.Contain("TEMP B-TREE"), plan);
        }
        var claimed = await _pulses.ClaimAsync("one", now, now.AddMinutes(2), 10, default);
        Assert.That(claimed.Select(m => m.PulseId), Is.EquivalentTo(queued.Take(10).Select(p => (Guid?)p.Id)), "the oldest first");
    }

    [Test]
    public async Task A_pulse_that_expires_unanswered_becomes_a_weak_no_answer_signal_once()
    {
        await _users.ReplaceAllAsync([U("a"), U("b")]);
        var service = Service();
        await service.DispatchAsync(default);
        var answered = (await _pulses.LastPulseByUserAsync(default)).Keys.First();
        await _pulses.MarkSentAsync("one", await _pulses.ClaimAsync("one", T0, T0.AddMinutes(2), 10, default), T0, default);
        _time.Advance(TimeSpan.FromDays(8));
        Assert.That(await service.CloseExpiredAsync(default), Is.EqualTo(2));
        Assert.That(await service.CloseExpiredAsync(default), Is.EqualTo(0));
        var signals = await _signals.RecentAsync(answered, 10);
        Assert.That(signals.Single().Signal, Has.Property(nameof(Signal.Kind)).EqualTo(SignalKinds.PulseNoAnswer)
            .And.Property(nameof(Signal.Score)).EqualTo(0).And.Property(nameof(Signal.Weight)).EqualTo(0.2));
    }

    [Test]
    public async Task An_outbox_message_keeps_the_channel_that_rendered_it()
    {
        var p = new PulseRecord(Guid.NewGuid(), "a", "default", PulseReasons.Manual, T0, T0.AddDays(7));
        await _pulses.CreateManyAsync([new NewPulse(p, "sms", "+33100000000", "text")], default);
        var claimed = (await _pulses.ClaimAsync("one", T0, T0.AddMinutes(2), 10, default)).Single();
        Assert.That(claimed, Has.Property(nameof(OutboxMessage.Channel)).EqualTo("sms")
            .And.Property(nameof(OutboxMessage.Recipient)).EqualTo("+33100000000").And.Property(nameof(OutboxMessage.PulseId)).EqualTo(p.Id));
    }

    [Test]
    public async Task The_metrics_refresh_sets_the_cluster_wide_response_ratio_and_backlog_from_the_store()
    {
        await _users.ReplaceAllAsync([U("a"), U("b"), U("c")]);
        await Service().DispatchAsync(default);
        var claimed = await _pulses.ClaimAsync("another-replica", T0, T0.AddMinutes(2), 3, default);
        await _pulses.MarkSentAsync("another-replica", [claimed[0]], T0, default);
        var exporter = new UserMetricsExporter(new BoardRepository(Db), new JobRunRepository(Db), ProbeCatalog.Empty, _pulses, _pulses,
            Options.Create(new MetricsOptions()), _time, NullLogger<UserMetricsExporter>.Instance);
        // The gauges are process-wide: start from values no refresh would set.
        MonitorMetrics.OutboxBacklog.Set(-1);
        MonitorMetrics.PulseResponseRatio.Set(-1);
        await exporter.RefreshAsync(default);
        Assert.That(MonitorMetrics.PulseResponseRatio.Value, Is.EqualTo(-1), "nothing settled yet: no ratio claimed");
        Assert.That(MonitorMetrics.OutboxBacklog.Value, Is.EqualTo(2), "counted from the store, whoever sends");

        await _pulses.MarkAnsweredAsync(claimed[0].PulseId!.Value, T0.AddHours(1), default);
        await _pulses.MarkSentAsync("another-replica", [claimed[1], claimed[2]], T0, default);
        _time.Advance(TimeSpan.FromDays(8));
        await Service().CloseExpiredAsync(default);
        await exporter.RefreshAsync(default);
        Assert.That(MonitorMetrics.PulseResponseRatio.Value, Is.EqualTo(1.0 / 3).Within(1e-9), "one answered of three sent and settled");
    }
}
