using Dapper;
using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Signals;
using Monitor.Core.Users;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Privacy;
using Monitor.Worker.Storage;

namespace Monitor.Tests.Privacy;

/// <summary>Comments by group: distinct people who wrote, and their text only from the threshold up, on both stores.</summary>
[TestFixture(Stores.Sqlite)]
[TestFixture(Stores.Postgres)]
public sealed class GroupCommentStoreTests(string provider)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private Database _db = null!;
    private GroupCommentRepository _store = null!;

    [SetUp]
    public async Task CreateStore()
    {
        _db = await Stores.NewDatabaseAsync(provider);
        var time = new FakeTimeProvider(T0);
        _store = new GroupCommentRepository(_db);
        // Finance: 10 people in Paris; Legal: 9 people in Lyon; "gone" left the directory.
        User U(string id, string department, string site) =>
            new(id, $"{id}@example.com", id, department, site, null, Rank.IndividualContributor, "UTC", "en-GB", true, false);
        await new UserRepository(_db, time).ReplaceAllAsync(
        [
            .. Enumerable.Range(0, 10).Select(i => U($"f{i}", "Finance", "Paris")),
            .. Enumerable.Range(0, 9).Select(i => U($"l{i}", "Legal", "Lyon")),
        ]);
        var signals = new SignalRepository(_db, time);
        foreach (var id in Enumerable.Range(0, 10).Select(i => $"f{i}").Concat(Enumerable.Range(0, 9).Select(i => $"l{i}")))
        {
            await signals.WriteAsync([
                new Signal(id, SignalKinds.Touchpoint, -0.5, 1, T0.AddDays(-1), "new", $"said by {id}"),
                new Signal(id, SignalKinds.Touchpoint, -0.5, 1, T0.AddDays(-100), "old", $"long ago by {id}"),
                new Signal(id, SignalKinds.Touchpoint, 0.5, 1, T0.AddDays(-2), "blank", ""),
            ], default);
        }
        // Two comments of one person count as one person.
        await signals.WriteAsync([new Signal("f0", SignalKinds.PulseAnswer, -1, 1, T0.AddHours(-1), "pulse", "<b>again</b>")], default);
    }

    [TearDown]
    public async Task DisposeStore() => await _db.DisposeAsync();

    private static readonly DateTimeOffset Since = T0.AddDays(-90);

    [Test]
    public async Task Writers_are_counted_once_per_person_in_the_window_by_department_and_site()
    {
        var writers = await _store.WritersAsync(Since, default);
        Assert.That(writers, Is.EquivalentTo(new[]
        {
            new GroupWriters("department", "Finance", 10), new GroupWriters("department", "Legal", 9),
            new GroupWriters("site", "Lyon", 9), new GroupWriters("site", "Paris", 10),
        }));
    }

    [Test]
    public async Task Text_leaves_the_store_only_from_the_threshold_up_newest_first_without_who()
    {
        var (people, comments) = await _store.ReadAsync("department", "Finance", Since, 10, default);
        Assert.That(people, Is.EqualTo(10));
        Assert.That(comments, Has.Count.EqualTo(11));
        Assert.That(comments[0], Is.EqualTo(new GroupComment(SignalKinds.PulseAnswer, "2026-11", "<b>again</b>")));
        Assert.That(comments.Select(c => c.Text), Has.None.Contains("long ago").And.None.Empty);

        var (legal, hidden) = await _store.ReadAsync("site", "Lyon", Since, 10, default);
        Assert.That((legal, hidden.Count), Is.EqualTo((9, 0)), "nine people: no text at all");
        Assert.That((await _store.ReadAsync("site", "Lyon", Since, 9, default)).Comments, Has.Count.EqualTo(9));
    }

    [Test]
    public async Task People_who_left_the_directory_do_not_count_and_unknown_groups_are_told_apart()
    {
        await using (var c = await _db.OpenAsync())
            await c.ExecuteAsync("UPDATE users SET removed_at = @at WHERE id = 'f9'", new { at = T0 });
        Assert.That((await _store.ReadAsync("department", "Finance", Since, 10, default)).Comments, Is.Empty);
        Assert.That(await _store.ExistsAsync("department", "Finance", default), Is.True);
        Assert.That(await _store.ExistsAsync("site", "Atlantis", default), Is.False);
        Assert.That(await _store.ExistsAsync("site", "Finance' OR '1'='1", default), Is.False);
    }
}
