using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Users;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Storage;

namespace Monitor.Tests.Storage;

/// <summary>
/// The reads that hold the whole directory, now streamed so that a large directory is not held twice (issue 13,
/// peak memory): the directory sync's one pass over the stored rows, the sweep's ids and the board's shared names.
/// </summary>
[TestFixture(Stores.Sqlite)]
[TestFixture(Stores.Postgres)]
public sealed class StreamedDirectoryTests(string provider)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    private static User U(int i, string dept = "Finance", string? manager = null) =>
        new($"u{i}", $"u{i}@example.com", $"User {i}", dept, "Paris", manager, Rank.IndividualContributor, "UTC", "en", true, false);

    [Test]
    public async Task A_refused_removal_is_asked_before_anything_is_written_and_leaves_the_store_as_it_was()
    {
        await using var db = await Stores.NewDatabaseAsync(provider);
        var users = new UserRepository(db, new FakeTimeProvider(T0));
        await users.ReplaceAllAsync([U(1), U(2), U(3), U(4)]);
        await users.ReplaceAllAsync([U(1), U(2), U(3)]); // u4 left: stored, removed

        (int Present, int Leaving) asked = default;
        var changes = await users.ReplaceAllAsync([U(1, "Sales"), U(4), U(5)], keep: null, (present, leaving) =>
        {
            asked = (present, leaving);
            return false;
        });

        Assert.That(changes, Is.Null);
        Assert.That(asked, Is.EqualTo((3, 2)), "three in the directory, u2 and u3 would leave; the removed u4 is not counted");
        var stored = await users.ListAsync();
        Assert.That(stored.Select(u => (u.Id, u.Department)),
            Is.EqualTo(new[] { ("u1", "Finance"), ("u2", "Finance"), ("u3", "Finance") }));
        Assert.That(await users.IdsAsync(), Is.EquivalentTo(new[] { "u1", "u2", "u3" }));
    }

    [Test]
    public async Task An_allowed_sync_counts_joiners_returners_changes_and_leavers_and_keeps_what_the_read_lacks()
    {
        await using var db = await Stores.NewDatabaseAsync(provider);
        var users = new UserRepository(db, new FakeTimeProvider(T0));
        await users.ReplaceAllAsync([U(1, manager: "boss"), U(2, manager: "boss"), U(3), U(4)]);
        await users.ReplaceAllAsync([U(1, manager: "boss"), U(2, manager: "boss"), U(3)]);

        var kept = new List<(string Read, string Stored)>();
        // The read carries no manager: the stored one is kept, and u1 changes only in department.
        var changes = await users.ReplaceAllAsync([U(1, "Sales"), U(2), U(4), U(5)], keep: (read, stored) =>
        {
            kept.Add((read.Id, stored.Id));
            return read with { Manager = stored.Manager };
        }, (_, _) => true);

        Assert.That(changes, Is.EqualTo(new DirectoryChanges(Joined: 2, Updated: 1, Left: 1)), "u4 back and u5 new; u1; u3");
        Assert.That(kept, Is.EquivalentTo(new[] { ("u1", "u1"), ("u2", "u2") }), "only users still in the directory");
        var stored = (await users.ListAsync()).ToDictionary(u => u.Id);
        Assert.That(stored.Keys, Is.EquivalentTo(new[] { "u1", "u2", "u4", "u5" }));
        Assert.That((stored["u1"].Department, stored["u1"].Manager, stored["u2"].Manager), Is.EqualTo(("Sales", "boss", "boss")));
    }

    [Test]
    public async Task The_board_shares_one_string_per_department_and_site_across_its_rows()
    {
        await using var db = await Stores.NewDatabaseAsync(provider);
        var users = new UserRepository(db, new FakeTimeProvider(T0));
        await users.ReplaceAllAsync(Enumerable.Range(0, 50).Select(i => U(i, i % 2 == 0 ? "Finance" : "Sales")).ToList());

        var board = await new BoardRepository(db).LoadAsync(T0);

        Assert.That(board, Has.Count.EqualTo(50));
        Assert.That(board.Select(r => r.Department).Distinct().Count(), Is.EqualTo(2));
        var finance = board.First(r => r.Department == "Finance").Department;
        Assert.That(board.Where(r => r.Department == "Finance").All(r => ReferenceEquals(r.Department, finance)), Is.True);
        Assert.That(board.All(r => ReferenceEquals(r.Site, board[0].Site)), Is.True);
    }
}
