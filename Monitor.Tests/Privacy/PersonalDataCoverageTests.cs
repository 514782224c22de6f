using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Users;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Privacy;
using Monitor.Worker.Storage;

namespace Monitor.Tests.Privacy;

/// <summary>
/// Every table that holds a person's id is exported, erased and pruned: the thank-you page's answers, feedback linked to
/// actions, the people told about an action, lunch invitations and the notes mailed to them, on both stores.
/// </summary>
[TestFixture(Stores.Sqlite)]
[TestFixture(Stores.Postgres)]
public sealed partial class PersonalDataCoverageTests(string provider)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private Database _db = null!;
    private FakeTimeProvider _time = null!;
    private PersonalData _data = null!;

    [SetUp]
    public async Task CreateStore()
    {
        _db = await Stores.NewDatabaseAsync(provider);
        _time = new FakeTimeProvider(T0);
        var users = new UserRepository(_db, _time);
        _data = new PersonalData(users, new StateRepository(_db), new AcknowledgementRepository(_db), new PersonalDataRepository(_db),
            new AuditRepository(_db), _time);
        await users.ReplaceAllAsync([U("a"), U("b")]);
    }

    [TearDown]
    public async Task DisposeStore() => await _db.DisposeAsync();

    private static User U(string id) =>
        new(id, $"{id}@example.com", $"User {id}", "Finance", "Paris", null, Rank.IndividualContributor, "UTC", "en-GB", true, false);

    [Test]
    public void Every_table_of_every_migration_with_a_user_id_is_covered()
    {
        var covered = PersonalDataRepository.LinkedTables.Concat(PersonalDataRepository.CoreTables).ToHashSet();
        var dir = Path.Combine(TestPaths.RepoRoot, "Monitor.Worker", "Storage", "Migrations");
        var holding = new List<string>();
        foreach (var sql in Directory.GetFiles(dir, "*.sql").Select(File.ReadAllText))
        {
            holding.AddRange(CreateTable().Matches(sql).Where(m => PersonColumn().IsMatch(m.Groups[2].Value)).Select(m => m.Groups[1].Value));
            holding.AddRange(AddColumn().Matches(sql).Select(m => m.Groups[1].Value));
        }
        Assert.That(holding, Does.Contain("pulse_feedback").And.Contain("action_notifications"), "the parser finds them");
        Assert.That(holding.Where(t => !covered.Contains(t)), Is.Empty, "tables with a user id that export and erase miss");
    }

    [GeneratedRegex(@"CREATE TABLE (\w+) \((.*?)\n\);", RegexOptions.Singleline)]
    private static partial Regex CreateTable();

    [GeneratedRegex(@"^\s*(user_id|subject_user_id)\s", RegexOptions.Multiline)]
    private static partial Regex PersonColumn();

    [GeneratedRegex(@"ALTER TABLE (\w+) ADD COLUMN (?:user_id|subject_user_id)\b")]
    private static partial Regex AddColumn();

    private async Task ExecuteAsync(string sql, object? p = null)
    {
        await using var c = await _db.OpenAsync();
        await c.ExecuteAsync(sql, p);
    }

    private async Task<long> CountAsync(string sql, object? p = null)
    {
        await using var c = await _db.OpenAsync();
        return await c.ExecuteScalarAsync<long>(sql, p);
    }

    /// <summary>For each of a and b: a thank-you page answer, a link to an action, a note of it, a lunch invitation.</summary>
    private async Task SeedAsync(DateTimeOffset at)
    {
        foreach (var id in new[] { "a", "b" })
        {
            var p = new { id, at, pulse = $"pulse-{id}", lunch = $"lunch-{id}", email = $"{id}@example.com", note = $"note-{id}" };
            await ExecuteAsync("INSERT INTO pulse_feedback (pulse_id, question, user_id, sentiment, factor, lost_time, answered_at) " +
                               "VALUES (@pulse, 0, @id, 'bad', 'network', 'few_hours', @at)", p);
            await ExecuteAsync("INSERT INTO action_signals (action_id, user_id, kind, source, linked_by, linked_at) " +
                               "VALUES ('act', @id, 'touchpoint', 'api:1', 'alice', @at)", p);
            await ExecuteAsync("INSERT INTO action_notifications (action_id, user_id, notified_at) VALUES ('act', @id, @at)", p);
            await ExecuteAsync("INSERT INTO lunch_invitees (lunch_id, user_id, invited_at) VALUES (@lunch, @id, @at)", p);
            await ExecuteAsync("INSERT INTO outbox (id, recipient, message, created_at, attempts, next_attempt_at) " +
                               "VALUES (@note, @email, 'You said, we did', @at, 0, @at)", p);
        }
    }

    private static readonly string[] Tables = ["pulse_feedback", "action_signals", "action_notifications", "lunch_invitees"];

    [Test]
    public async Task Export_lists_them_and_erasure_removes_them_for_that_person_only()
    {
        await SeedAsync(T0);

        var export = (await _data.ExportAsync("a", "alice", default))!;
        foreach (var table in Tables)
        {
            Assert.That(export.Linked[table], Has.Count.EqualTo(1), table);
            Assert.That(export.Linked[table].Single()["user_id"], Is.EqualTo("a"), table);
        }
        Assert.That(export.Linked["pulse_feedback"].Single()["lost_time"], Is.EqualTo("few_hours"));

        var erased = (await _data.EraseAsync("a", "api-key", default))!;
        Assert.That(Tables.Select(t => erased.Linked[t]), Is.All.EqualTo(1));
        Assert.That(erased.Messages, Is.EqualTo(1), "the note mailed to them");
        foreach (var table in Tables)
        {
            Assert.That(await CountAsync($"SELECT COUNT(*) FROM {table} WHERE user_id = 'a'"), Is.Zero, table);
            Assert.That(await CountAsync($"SELECT COUNT(*) FROM {table} WHERE user_id = 'b'"), Is.EqualTo(1), table);
        }
        Assert.That(await CountAsync("SELECT COUNT(*) FROM outbox WHERE recipient = 'a@example.com'"), Is.Zero);
        Assert.That(await CountAsync("SELECT COUNT(*) FROM outbox WHERE recipient = 'b@example.com'"), Is.EqualTo(1));
    }

    [Test]
    public async Task A_person_only_in_a_linked_table_still_gets_an_export()
    {
        await ExecuteAsync("INSERT INTO lunch_invitees (lunch_id, user_id, invited_at) VALUES ('l', 'gone', @T0)", new { T0 });
        var export = await _data.ExportAsync("gone", "alice", default);
        Assert.That(export?.Linked["lunch_invitees"], Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Retention_prunes_each_by_its_matching_setting()
    {
        var o = new RetentionOptions();
        await SeedAsync(T0 - o.Signals - TimeSpan.FromMilliseconds(1));       // older than every setting involved
        await ExecuteAsync("UPDATE pulse_feedback SET answered_at = @at WHERE user_id = 'b'", new { at = T0 - o.ClosedPulses });
        await ExecuteAsync("UPDATE action_signals SET linked_at = @at WHERE user_id = 'b'", new { at = T0 - o.Signals });
        await ExecuteAsync("UPDATE action_notifications SET notified_at = @at WHERE user_id = 'b'", new { at = T0 - o.Signals });
        await ExecuteAsync("UPDATE lunch_invitees SET invited_at = @at WHERE user_id = 'b'", new { at = T0 - o.Signals });
        var job = new RetentionJob(new RetentionRepository(_db), Options.Create(o), _time, NullLogger<RetentionJob>.Instance);

        var result = await job.RunAsync(default);

        Assert.That(result.Message, Does.EndWith("1 feedback answers, 1 action links, 1 people told, 1 lunch invitations"));
        foreach (var table in Tables)
        {
            Assert.That(await CountAsync($"SELECT COUNT(*) FROM {table} WHERE user_id = 'a'"), Is.Zero, table);
            Assert.That(await CountAsync($"SELECT COUNT(*) FROM {table} WHERE user_id = 'b'"), Is.EqualTo(1), $"{table}: the edge stays");
        }
        Assert.That(o.ClosedPulses, Is.LessThan(o.Signals), "feedback goes with its pulse, before the links");
    }
}
