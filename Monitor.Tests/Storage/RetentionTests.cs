using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Evaluation;
using Monitor.Core.Signals;
using Monitor.Core.Users;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Storage;

namespace Monitor.Tests.Storage;

/// <summary>
/// The retention job on both stores: for every setting, a row just older than the cutoff goes and a row at
/// the cutoff or newer stays.
/// </summary>
[TestFixture(Stores.Sqlite)]
[TestFixture(Stores.Postgres)]
public sealed class RetentionTests(string provider)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);
    private readonly RetentionOptions _o = new();
    private Database _db = null!;
    private FakeTimeProvider _time = null!;

    [SetUp]
    public async Task CreateStore()
    {
        _db = await Stores.NewDatabaseAsync(provider);
        _time = new FakeTimeProvider(T0);
    }

    [TearDown]
    public async Task DisposeStore() => await _db.DisposeAsync();

    private Task<Monitor.Core.Ports.ProbeResult> RunAsync() =>
        new RetentionJob(new RetentionRepository(_db), Options.Create(_o), _time, NullLogger<RetentionJob>.Instance).RunAsync(default);

    private async Task<List<string>> Ids(string sql)
    {
        await using var c = await _db.OpenAsync();
        return (await c.QueryAsync<string>(sql)).Order(StringComparer.Ordinal).ToList();
    }

    private async Task ExecuteAsync(string sql, object parameters)
    {
        await using var c = await _db.OpenAsync();
        await c.ExecuteAsync(sql, parameters);
    }

    [Test]
    public async Task Sent_messages_link_fetches_and_closed_pulses_older_than_their_settings_go()
    {
        var sent = T0 - _o.SentOutbox;
        foreach (var (id, sentAt) in new (string, DateTimeOffset?)[] { ("old", sent - Ms), ("edge", sent), ("new", T0), ("unsent", null) })
        {
            await ExecuteAsync(
                """
                INSERT INTO outbox (id, recipient, message, created_at, attempts, next_attempt_at, sent_at)
                VALUES (@id, 'a@x', 'm', @created, 1, @created, @sentAt)
                """, new { id, created = T0.AddYears(-1), sentAt });
        }
        var hits = T0 - _o.LinkHits;
        foreach (var (pulse, at) in new[] { ("old", hits - Ms), ("edge", hits), ("new", T0) })
        {
            await ExecuteAsync("INSERT INTO pulse_link_hits (pulse_id, answer, hit_at) VALUES (@pulse, 1, @at)", new { pulse, at });
        }
        var closed = T0 - _o.ClosedPulses;
        (string, DateTimeOffset?)[] pulses = [("old", closed - Ms), ("edge", closed), ("new", T0), ("open", null)];
        foreach (var (id, closedAt) in pulses)
        {
            await ExecuteAsync(
                """
                INSERT INTO pulses (id, user_id, question_set, reason, created_at, expires_at, closed_at)
                VALUES (@id, 'a', 'default', 'scheduled', @created, @created, @closedAt)
                """, new { id, created = T0.AddYears(-2), closedAt });
        }

        var result = await RunAsync();

        Assert.That(result, Is.EqualTo(Monitor.Core.Ports.ProbeResult.Ok(
            "0 job runs, 1 sent messages, 1 link fetches, 1 closed pulses, 0 state changes, 0 signals, 0 removed users, " +
            "0 comments blanked, 0 visit notes blanked, 0 feedback answers, 0 action links, 0 people told, 0 lunch invitations")));
        Assert.That(await Ids("SELECT id FROM outbox"), Is.EqualTo(new[] { "edge", "new", "unsent" }));
        Assert.That(await Ids("SELECT pulse_id FROM pulse_link_hits"), Is.EqualTo(new[] { "edge", "new" }));
        Assert.That(await Ids("SELECT id FROM pulses"), Is.EqualTo(new[] { "edge", "new", "open" }));
    }

    [Test]
    public async Task State_changes_and_signals_older_than_their_settings_go()
    {
        var states = new StateRepository(_db);
        var changed = T0 - _o.StateChanges;
        await states.SaveAsync([], [Change("old", changed - Ms), Change("edge", changed), Change("new", T0)], []);
        var observed = T0 - _o.Signals;
        var signals = new SignalRepository(_db, _time);
        await signals.WriteAsync([Signal("old", observed - Ms), Signal("edge", observed), Signal("new", T0)], default);

        await RunAsync();

        Assert.That(await Ids("SELECT user_id FROM state_changes"), Is.EqualTo(new[] { "edge", "new" }));
        Assert.That(await Ids("SELECT user_id FROM signals"), Is.EqualTo(new[] { "edge", "new" }));
    }

    [Test]
    public async Task Users_removed_before_the_setting_go_with_their_state_and_acknowledgement()
    {
        var removed = T0 - _o.RemovedUsers;
        _time = new FakeTimeProvider(removed.AddDays(-1));
        var users = new UserRepository(_db, _time);
        await users.ReplaceAllAsync([U("old"), U("edge"), U("stays")]);
        var states = new StateRepository(_db);
        var acks = new AcknowledgementRepository(_db);
        foreach (var id in new[] { "old", "edge", "stays" })
        {
            await states.SaveAsync([new UserStatus(id, SatisfactionState.Down, -0.9, T0, false, 0, 0, T0, T0)], [], []);
            await acks.SetAsync(new Acknowledgement(id, "oncall", null, T0, null));
        }
        _time.SetUtcNow(removed - Ms);
        await users.ReplaceAllAsync([U("edge"), U("stays")]);
        _time.SetUtcNow(removed);
        await users.ReplaceAllAsync([U("stays")]);
        _time.SetUtcNow(T0);

        await RunAsync();

        Assert.That(await Ids("SELECT id FROM users"), Is.EqualTo(new[] { "edge", "stays" }));
        Assert.That(await Ids("SELECT user_id FROM user_states"), Is.EqualTo(new[] { "edge", "stays" }));
        Assert.That(await Ids("SELECT user_id FROM acknowledgements"), Is.EqualTo(new[] { "edge", "stays" }));
        Assert.That(await Ids("SELECT user_id FROM dirty_users"), Is.EqualTo(new[] { "edge", "stays" }));
    }

    [Test]
    public async Task Old_job_runs_go_but_each_jobs_latest_run_and_latest_success_stay()
    {
        var runs = new JobRunRepository(_db);
        var cutoff = T0 - _o.JobRuns;
        JobRun Run(string job, DateTimeOffset at, bool success) => new(job, "n1", at, TimeSpan.FromSeconds(2), success, $"{job}@{at:O}");
        JobRun[] all =
        [
            Run("evaluation", cutoff.AddDays(-1), true), Run("evaluation", cutoff - Ms, false), Run("evaluation", cutoff, true),
            Run("evaluation", T0, false),
            Run("weekly", cutoff.AddDays(-30), true),
            Run("flaky", cutoff.AddDays(-20), true), Run("flaky", cutoff.AddDays(-10), false), Run("flaky", cutoff.AddDays(-9), false),
        ];
        foreach (var r in all) await runs.RecordAsync(r);
        var before = await runs.LatestAsync();

        await RunAsync();

        var kept = await Ids("SELECT message FROM job_runs");
        var expected = new[] { all[2], all[3], all[4], all[5], all[7] }.Select(r => r.Message).Order(StringComparer.Ordinal);
        Assert.That(kept, Is.EqualTo(expected));
        Assert.That(await runs.LatestAsync(), Is.EquivalentTo(before), "the probes' health reads the same");
    }

    [Test]
    public async Task Deletes_run_in_batches_until_nothing_older_is_left()
    {
        var at = T0 - _o.LinkHits - TimeSpan.FromMinutes(1);
        for (var i = 0; i < 25; i++)
        {
            await ExecuteAsync("INSERT INTO pulse_link_hits (pulse_id, answer, hit_at) VALUES (@pulse, 1, @at)",
                new { pulse = $"p{i}", at });
        }
        await ExecuteAsync("INSERT INTO pulse_link_hits (pulse_id, answer, hit_at) VALUES ('fresh', 1, @T0)", new { T0 });
        var deleted = await new RetentionRepository(_db).PruneLinkHitsAsync(T0 - _o.LinkHits, batch: 7);
        Assert.That(deleted, Is.EqualTo(25));
        Assert.That(await Ids("SELECT pulse_id FROM pulse_link_hits"), Is.EqualTo(new[] { "fresh" }));
    }

    private static StateChange Change(string user, DateTimeOffset at) =>
        new(user, SatisfactionState.Up, SatisfactionState.Down, at, -0.9, []);

    private static Signal Signal(string user, DateTimeOffset at) => new(user, SignalKinds.Touchpoint, -0.5, 1, at, $"api:{user}");

    private static User U(string id) =>
        new(id, $"{id}@example.com", $"User {id}", "Finance", "Paris", null, Rank.IndividualContributor, "Europe/Paris", "fr-FR",
            true, false);
}
