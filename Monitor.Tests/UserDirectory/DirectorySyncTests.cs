using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Monitor.Core.Ports;
using Monitor.Core.Users;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Storage;
using Monitor.Worker.UserDirectory;

namespace Monitor.Tests.UserDirectory;

/// <summary>What an import may do to the stored directory, on both stores (issue 13, items 1 and 3).</summary>
[TestFixture(Stores.Sqlite)]
[TestFixture(Stores.Postgres)]
public sealed class DirectorySyncTests(string provider)
{
    private Database _db = null!;
    private UserRepository _users = null!;
    private readonly Source _source = new();

    [SetUp]
    public async Task CreateStore()
    {
        _db = await Stores.NewDatabaseAsync(provider);
        _users = new UserRepository(_db, TimeProvider.System);
        await _users.ReplaceAllAsync(Enumerable.Range(1, 20).Select(i => U($"u{i:00}", Rank.Manager)).ToList());
    }

    [TearDown]
    public async Task DisposeStore() => await _db.DisposeAsync();

    private static User U(string id, Rank rank = Rank.IndividualContributor) =>
        new(id, $"{id}@example.com", $"User {id}", "Finance", "Paris", "boss", rank, "Europe/Paris", "fr-FR", true, false,
            new DateOnly(2025, 1, 2));

    private DirectorySync Sync(double share = 0.10) => new(_source, _users, NullLogger<DirectorySync>.Instance,
        options: Options.Create(new DirectoryOptions { MaxRemovalShare = share }));

    [Test]
    public async Task An_import_removing_more_than_the_share_is_refused_counted_and_changes_nothing_until_confirmed()
    {
        _source.Next = new DirectoryReadResult(Enumerable.Range(1, 17).Select(i => U($"u{i:00}", Rank.Manager)).ToList(), []);
        var before = DirectoryMetrics.Count(DirectoryRefusal.RemovalShare);

        var refused = await Sync().RunAsync(default);

        Assert.That(refused.Success, Is.False);
        Assert.That(refused.Refusal, Is.EqualTo(DirectoryRefusal.RemovalShare));
        Assert.That(refused.Errors.Single(), Does.Contain("would remove 3 of 20 users").And.Contain("--confirm-removal"));
        Assert.That(DirectoryMetrics.Count(DirectoryRefusal.RemovalShare), Is.EqualTo(before + 1));
        Assert.That(await _users.ListAsync(), Has.Count.EqualTo(20));

        var confirmed = await Sync().RunAsync(default, confirmRemoval: true);
        Assert.That(confirmed.Success, Is.True);
        Assert.That(confirmed.Changes!.Left, Is.EqualTo(3));
        Assert.That(await _users.ListAsync(), Has.Count.EqualTo(17));
    }

    [Test]
    public async Task Removals_within_the_share_go_through_and_one_leaver_always_does()
    {
        _source.Next = new DirectoryReadResult(Enumerable.Range(1, 18).Select(i => U($"u{i:00}", Rank.Manager)).ToList(), []);
        Assert.That((await Sync().RunAsync(default)).Changes!.Left, Is.EqualTo(2));
        _source.Next = new DirectoryReadResult(Enumerable.Range(1, 17).Select(i => U($"u{i:00}", Rank.Manager)).ToList(), []);
        Assert.That((await Sync(share: 0).RunAsync(default)).Changes!.Left, Is.EqualTo(1));
    }

    [Test]
    public async Task A_header_only_file_leaves_every_stored_user_in_place()
    {
        var path = Path.Combine(TestPaths.NewTempDir("sm-dir"), "users.csv");
        await File.WriteAllTextAsync(path, "\uFEFFid,email,display_name,department,site\r\n");
        var sync = new DirectorySync(new CsvDirectorySource(Options.Create(new DirectoryOptions { CsvPath = path })), _users,
            NullLogger<DirectorySync>.Instance, options: Options.Create(new DirectoryOptions { MaxRemovalShare = 1 }));

        var result = await sync.RunAsync(default, confirmRemoval: true);

        Assert.That(result.Success, Is.False);
        Assert.That(await _users.ListAsync(), Has.Count.EqualTo(20));
    }

    [Test]
    public async Task A_missing_optional_column_keeps_the_stored_field_and_a_joiner_takes_the_default()
    {
        var path = Path.Combine(TestPaths.NewTempDir("sm-dir"), "users.csv");
        var rows = Enumerable.Range(1, 21).Select(i => $"u{i:00},u{i:00}@example.com,User u{i:00},Finance,Paris,Europe/Paris,fr-FR");
        await File.WriteAllLinesAsync(path, ["id,email,display_name,department,site,time_zone,locale", .. rows]);
        var sync = new DirectorySync(new CsvDirectorySource(Options.Create(new DirectoryOptions { CsvPath = path })), _users,
            NullLogger<DirectorySync>.Instance);

        var result = await sync.RunAsync(default);

        Assert.That(result.Changes, Is.EqualTo(new DirectoryChanges(1, 0, 0)), "nothing of the 20 stored users changed");
        var stored = (await _users.ListAsync()).ToDictionary(u => u.Id);
        Assert.That((stored["u01"].Rank, stored["u01"].Manager, stored["u01"].Joined),
            Is.EqualTo((Rank.Manager, "boss", (DateOnly?)new DateOnly(2025, 1, 2))));
        Assert.That((stored["u21"].Rank, stored["u21"].Manager), Is.EqualTo((Rank.IndividualContributor, (string?)null)));
    }

    private sealed class Source : IUserDirectorySource
    {
        public DirectoryReadResult Next { get; set; } = new([], ["not set"]);

        public Task<DirectoryReadResult> ReadAsync(CancellationToken cancellationToken) => Task.FromResult(Next);
    }
}
