using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Evaluation;
using Monitor.Core.Signals;
using Monitor.Core.Users;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Storage;

namespace Monitor.Tests.Storage;

/// <summary>The same storage tests on both stores, each on a fresh, migrated database.</summary>
[TestFixture(Stores.Sqlite)]
[TestFixture(Stores.Postgres)]
public sealed class StoreTests(string provider)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
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

    private static User U(string id, string dept = "Finance", bool optedOut = false) =>
        new(id, $"{id}@example.com", $"User {id}", dept, "Paris", null, Rank.IndividualContributor, "Europe/Paris", "fr-FR", true, optedOut);

    [Test]
    public async Task The_schema_is_current_after_migration_and_migrating_again_changes_nothing()
    {
        Assert.That(_db.SchemaCurrent(), Is.True);
        await _db.MigrateAsync();
        Assert.That(_db.SchemaCurrent(), Is.True);
    }

    [Test]
    public async Task A_directory_sync_adds_joiners_updates_changes_and_removes_leavers()
    {
        var users = new UserRepository(_db, _time);
        var first = await users.ReplaceAllAsync([U("a"), U("b"), U("c")]);
        Assert.That(first, Is.EqualTo(new DirectoryChanges(3, 0, 0)));
        var second = await users.ReplaceAllAsync([U("a"), U("b", dept: "Sales"), U("d")]);
        Assert.That(second, Is.EqualTo(new DirectoryChanges(1, 1, 1)));
        var listed = await users.ListAsync();
        Assert.That(listed.Select(u => u.Id), Is.EqualTo(new[] { "a", "b", "d" }));
        Assert.That(listed.Single(u => u.Id == "b").Department, Is.EqualTo("Sales"));
        Assert.That(await users.FindAsync("c", default), Is.Null, "a leaver is not found");
        Assert.That((await users.FindByEmailAsync("A@Example.com", default))?.Id, Is.EqualTo("a"));
        var third = await users.ReplaceAllAsync([U("a"), U("b", dept: "Sales"), U("d"), U("c")]);
        Assert.That(third.Joined, Is.EqualTo(1), "a returning user joins again");
    }

    [Test]
    public async Task A_sync_never_undoes_an_unsubscribe()
    {
        var users = new UserRepository(_db, _time);
        await users.ReplaceAllAsync([U("a")]);
        Assert.That(await users.SetOptedOutAsync("a", true), Is.True);
        await users.ReplaceAllAsync([U("a", dept: "Legal")]);
        Assert.That((await users.FindAsync("a", default))!.OptedOut, Is.True);
    }

    [Test]
    public async Task The_same_signal_written_twice_is_stored_once_and_marks_its_user_once()
    {
        var signals = new SignalRepository(_db, _time);
        var states = new StateRepository(_db);
        var s = new Signal("a", SignalKinds.TicketSentiment, -0.5, 1, T0, "jira:SUP-1:comment:7", "still broken");
        var first = await signals.WriteAsync([s], default);
        var again = await signals.WriteAsync([s with { Score = 0.9 }], default);
        Assert.That((first.Stored, first.Duplicates), Is.EqualTo((1, 0)));
        Assert.That((again.Stored, again.Duplicates), Is.EqualTo((0, 1)));
        var stored = await signals.ForUsersAsync(["a"], T0.AddDays(-1));
        Assert.That(stored["a"].Single().Score, Is.EqualTo(-0.5), "the first write wins");
        Assert.That(stored["a"].Single().Comment, Is.EqualTo("still broken"));
        Assert.That(await states.TakeDirtyAsync(100), Is.EqualTo(new[] { "a" }));
        Assert.That(await states.TakeDirtyAsync(100), Is.Empty);
    }

    [Test]
    public async Task An_upsert_replaces_the_signal_with_the_same_key()
    {
        var signals = new SignalRepository(_db, _time);
        var s = new Signal("a", SignalKinds.PulseAnswer, 0.5, 1, T0, "pulse:1");
        await signals.ReplaceAsync(s, default);
        await signals.ReplaceAsync(s with { Score = -1.0, Comment = "changed my mind" }, default);
        var stored = (await signals.ForUsersAsync(["a"], T0.AddDays(-1)))["a"].Single();
        Assert.That((stored.Score, stored.Comment), Is.EqualTo((-1.0, "changed my mind")));
    }

    [Test]
    public async Task An_invalid_signal_is_refused_and_nothing_of_its_batch_is_stored()
    {
        var signals = new SignalRepository(_db, _time);
        var good = new Signal("a", SignalKinds.Touchpoint, 0.5, 1, T0, "x");
        var bad = new Signal("a", SignalKinds.Touchpoint, 3.0, 1, T0, "y");
        await Assert.ThrowsAsync<ArgumentException>(() => signals.WriteAsync([good, bad], default));
        Assert.That(await signals.ForUsersAsync(["a"], T0.AddDays(-1)), Is.Empty);
    }

    [Test]
    public async Task States_changes_and_acknowledgements_round_trip_and_an_ended_acknowledgement_goes()
    {
        var states = new StateRepository(_db);
        var acks = new AcknowledgementRepository(_db);
        var down = new UserStatus("a", SatisfactionState.Down, -0.8, T0, false, 5.5, 0, T0, T0);
        var change = new StateChange("a", SatisfactionState.Unknown, SatisfactionState.Down, T0, -0.8,
            [new SignalRef(SignalKinds.Touchpoint, "api:1", -1, T0)]);
        await states.SaveAsync([down], [change], []);
        await acks.SetAsync(new Acknowledgement("a", "oncall", "calling them", T0, T0.AddHours(8)));

        Assert.That(await states.FindAsync("a"), Is.EqualTo(down));
        var changes = await states.ChangesAsync("a", T0.AddDays(-1), 10);
        Assert.That(changes.Single().Causes.Single().Source, Is.EqualTo("api:1"));
        Assert.That((await acks.LoadAsync(["a"]))["a"].By, Is.EqualTo("oncall"));

        var board = await new BoardRepository(_db).LoadAsync(T0);
        Assert.That(board, Is.Empty, "the board lists only users in the directory");
        await new UserRepository(_db, _time).ReplaceAllAsync([U("a"), U("b")]);
        board = await new BoardRepository(_db).LoadAsync(T0);
        Assert.That(board.Single(r => r.UserId == "a").Acknowledged, Is.True);
        Assert.That(board.Single(r => r.UserId == "b").State, Is.EqualTo(SatisfactionState.Unknown));

        await states.SaveAsync([down with { State = SatisfactionState.Up }], [], ["a"]);
        Assert.That(await acks.LoadAsync(["a"]), Is.Empty);
    }

    [Test]
    public async Task Many_states_with_and_without_scores_are_written_in_one_go()
    {
        var states = new StateRepository(_db);
        var statuses = Enumerable.Range(0, 1203).Select(i => i % 2 == 0
            ? UserStatus.Initial($"u{i}", T0)
            : new UserStatus($"u{i}", SatisfactionState.Up, 0.5, T0, false, 0, 0, T0, T0)).ToList();
        var changes = statuses.Select(s => new StateChange(s.UserId, SatisfactionState.Unknown, s.State, T0, s.Score, [])).ToList();
        await states.SaveAsync(statuses, changes, []);
        var loaded = await states.LoadAsync(statuses.Select(s => s.UserId).ToList());
        Assert.That(loaded.Values, Is.EquivalentTo(statuses));
        Assert.That(await states.ChangesAsync(null, T0.AddDays(-1), 5000), Has.Count.EqualTo(1203));
    }

    [Test]
    public async Task Watermarks_and_job_runs_are_kept()
    {
        var marks = new WatermarkRepository(_db, _time);
        Assert.That(await marks.GetAsync("jira", default), Is.Null);
        await marks.SetAsync("jira", "2026-11-23T08:00:00Z", default);
        await marks.SetAsync("jira", "2026-11-23T09:00:00Z", default);
        Assert.That(await marks.GetAsync("jira", default), Is.EqualTo("2026-11-23T09:00:00Z"));

        var runs = new JobRunRepository(_db);
        await runs.RecordAsync(new JobRun("directory", "n1", T0, TimeSpan.FromMilliseconds(20), true, null));
        await runs.RecordAsync(new JobRun("directory", "n2", T0.AddMinutes(1), TimeSpan.FromMilliseconds(30), false, "bad row"));
        var latest = (await runs.LatestAsync()).Single();
        Assert.That((latest.Last.Node, latest.Last.Success), Is.EqualTo(("n2", false)));
        Assert.That(latest.LastSuccessAt, Is.EqualTo(T0.AddMilliseconds(20)));
    }
}
