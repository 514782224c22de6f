using Dapper;
using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Evaluation;
using Monitor.Core.Signals;
using Monitor.Core.Users;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Storage;

namespace Monitor.Tests.Storage;

/// <summary>The storage kit on both stores: times as Unix milliseconds, the dialect, chunked statements.</summary>
[TestFixture(Stores.Sqlite)]
[TestFixture(Stores.Postgres)]
public sealed class StoreKitTests(string provider)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, 123, TimeSpan.Zero);
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

    private static readonly DateTimeOffset?[] Times =
    [
        T0,
        new DateTimeOffset(2026, 3, 29, 2, 30, 0, 7, TimeSpan.FromHours(2)),
        DateTimeOffset.UnixEpoch,
        new DateTimeOffset(1900, 1, 1, 0, 0, 0, 1, TimeSpan.Zero),
        new DateTimeOffset(9999, 12, 31, 23, 59, 59, 999, TimeSpan.Zero),
        null,
    ];

    public sealed class TimeRow
    {
        public long Id { get; set; }
        public DateTimeOffset? At { get; set; }
    }

    public sealed record TimeRecord(long Id, DateTimeOffset? At);

    [Test]
    public async Task Times_are_bound_and_read_as_unix_milliseconds_null_negative_and_far_future_included()
    {
        await using var c = await _db.OpenAsync();
        await c.ExecuteAsync("CREATE TABLE kit_times (id BIGINT PRIMARY KEY, at BIGINT NULL)");
        for (var i = 0; i < Times.Length; i++)
        {
            await c.ExecuteAsync("INSERT INTO kit_times (id, at) VALUES (@id, @at)", new { id = (long)i, at = Times[i] });
        }

        var raw = (await c.QueryAsync<(long Id, long? At)>("SELECT id, at FROM kit_times ORDER BY id")).ToList();
        Assert.That(raw.Select(r => r.At), Is.EqualTo(Times.Select(t => t?.ToUnixTimeMilliseconds())), "stored as BIGINT ms");

        var rows = (await c.QueryAsync<TimeRow>("SELECT id, at FROM kit_times ORDER BY id")).ToList();
        Assert.That(rows.Select(r => r.At), Is.EqualTo(Times), "read into properties");
        var records = (await c.QueryAsync<TimeRecord>("SELECT id, at FROM kit_times ORDER BY id")).ToList();
        Assert.That(records.Select(r => r.At), Is.EqualTo(Times), "read into constructor parameters");
        Assert.That(records[1].At!.Value.Offset, Is.EqualTo(TimeSpan.Zero), "read back in UTC");
        var tuples = (await c.QueryAsync<(long Id, DateTimeOffset? At)>("SELECT id, at FROM kit_times ORDER BY id")).ToList();
        Assert.That(tuples.Select(r => r.At), Is.EqualTo(Times), "read into value tuples");

        var single = await c.QuerySingleAsync<DateTimeOffset>("SELECT at FROM kit_times WHERE id = 3");
        Assert.That(single, Is.EqualTo(Times[3]), "a scalar column");
        var later = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM kit_times WHERE at > @since", new { since = T0 });
        Assert.That(later, Is.EqualTo(1), "a time compared with a column: only the far future is after T0");
    }

    [Test]
    public async Task The_dialect_is_chosen_from_the_provider_and_its_claim_clause_runs()
    {
        Assert.That(_db.Dialect.IsPostgres, Is.EqualTo(provider == Stores.Postgres));
        Assert.That(_db.Dialect.SkipLocked, Is.EqualTo(provider == Stores.Postgres ? "FOR UPDATE SKIP LOCKED" : ""));
        await using var c = await _db.OpenAsync();
        await c.ExecuteAsync(
            "INSERT INTO outbox (id, recipient, message, created_at, attempts, next_attempt_at) VALUES ('m1', 'a@x', 'm', @T0, 0, @T0)",
            new { T0 });
        var claimed = await c.QueryAsync<string>(
            $"SELECT id FROM outbox WHERE next_attempt_at <= @T0 AND {_db.Dialect.In("id", "ids")} LIMIT 1 {_db.Dialect.SkipLocked}",
            new { T0, ids = new[] { "m1", "m2" } });
        Assert.That(claimed, Is.EqualTo(new[] { "m1" }));
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(500)]
    [TestCase(501)]
    [TestCase(1001)]
    public async Task Chunked_statements_cover_every_key_across_chunk_boundaries(int count)
    {
        var users = new UserRepository(_db, _time);
        await users.ReplaceAllAsync(Enumerable.Range(0, 1203).Select(i => U($"u{i:D4}")).ToList());
        var wanted = Enumerable.Range(0, count).Select(i => $"u{i * 1203 / Math.Max(count, 1):D4}").Distinct().ToList();

        await using var c = await _db.OpenAsync();
        var found = await c.QueryChunkedAsync<string>(
            $"SELECT id FROM users WHERE {_db.Dialect.InChunk("id")} AND updated_at = @T0", wanted, new { T0 });
        Assert.That(found, Is.EquivalentTo(wanted));
        Assert.That(await users.InDirectoryAsync([.. wanted, "nobody"]), Is.EquivalentTo(wanted));

        var updated = await c.ExecuteChunkedAsync(
            $"UPDATE users SET opted_out = @yes WHERE {_db.Dialect.InChunk("id")}", wanted, new { yes = true });
        Assert.That(updated, Is.EqualTo(wanted.Count));
        Assert.That(await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM users WHERE opted_out"), Is.EqualTo(wanted.Count));
    }

    [Test]
    public async Task Acknowledgements_and_states_of_more_users_than_a_chunk_load_by_id()
    {
        var acks = new AcknowledgementRepository(_db);
        var ids = Enumerable.Range(0, 1001).Select(i => $"u{i}").ToList();
        foreach (var id in ids.Take(3)) await acks.SetAsync(new Acknowledgement(id, "oncall", null, T0, null));
        await acks.SetAsync(new Acknowledgement("u1000", "oncall", "back at 5", T0, T0.AddHours(8)));
        var loaded = await acks.LoadAsync(ids);
        Assert.That(loaded.Keys, Is.EquivalentTo(new[] { "u0", "u1", "u2", "u1000" }));
        Assert.That(loaded["u1000"], Is.EqualTo(new Acknowledgement("u1000", "oncall", "back at 5", T0, T0.AddHours(8))));
        Assert.That((await acks.LoadAsync(null)).Count, Is.EqualTo(4));

        var states = new StateRepository(_db);
        var statuses = ids.Select(id => new UserStatus(id, SatisfactionState.Up, 0.5, T0.AddDays(-1), false, 0, 0, T0, T0)).ToList();
        await states.SaveAsync(statuses, [], ["u0", "u1000"]);
        Assert.That((await states.LoadAsync(ids)).Values, Is.EquivalentTo(statuses));
        Assert.That((await acks.LoadAsync(null)).Keys, Is.EquivalentTo(new[] { "u1", "u2" }), "ended acknowledgements go");
    }

    [Test]
    public async Task The_clock_is_written_as_a_parameter_by_the_directory_sync_and_the_signal_writes()
    {
        var users = new UserRepository(_db, _time);
        await users.ReplaceAllAsync([U("a"), U("b")]);
        _time.Advance(TimeSpan.FromHours(1));
        await users.ReplaceAllAsync([U("a", "Sales")]);
        var signals = new SignalRepository(_db, _time);
        var s = new Signal("a", SignalKinds.Touchpoint, -0.5, 1, T0.AddDays(-2), "api:1", "slow laptop");
        await signals.WriteAsync([s], default);

        await using var c = await _db.OpenAsync();
        var rows = (await c.QueryAsync<(string Id, long UpdatedAt, long? RemovedAt)>(
            "SELECT id, updated_at, removed_at FROM users ORDER BY id")).ToList();
        var later = T0.AddHours(1).ToUnixTimeMilliseconds();
        Assert.That(rows, Is.EqualTo(new[] { ("a", later, (long?)null), ("b", later, (long?)later) }));
        Assert.That(await c.ExecuteScalarAsync<long>("SELECT marked_at FROM dirty_users WHERE user_id = 'a'"),
            Is.EqualTo(T0.ToUnixTimeMilliseconds()), "marked when it joined");

        var recent = await signals.RecentAsync("a", 10);
        Assert.That(recent, Is.EqualTo(new[] { new StoredSignal(s, T0.AddHours(1)) }));
        Assert.That(await signals.StreamAsync(T0.AddDays(-3)).ToListAsync(), Is.EqualTo(new[] { s }));
    }

    private static User U(string id, string dept = "Finance") =>
        new(id, $"{id}@example.com", $"User {id}", dept, "Paris", null, Rank.IndividualContributor, "Europe/Paris", "fr-FR", true, false);
}
