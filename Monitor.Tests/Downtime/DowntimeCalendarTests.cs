using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Downtime;
using Monitor.Core.Users;
using Monitor.Probes.Pulse;
using Monitor.Probes.Pulse.Channels;
using Monitor.Tests.Infrastructure;
using Monitor.Tests.Pulse.Fakes;
using Monitor.Worker.Downtime;
using Monitor.Worker.Privacy;
using Monitor.Worker.Storage;

namespace Monitor.Tests.Downtime;

/// <summary>
/// The stored downtimes as the monitor reads them, on both stores: who is in downtime now (per user, per group, weekly),
/// the spans of a past window, ending early, retention, erasure, and the pulse run that skips them.
/// </summary>
[TestFixture(Stores.Sqlite)]
[TestFixture(Stores.Postgres)]
public sealed class DowntimeCalendarTests(string provider)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero); // a Monday, 10:00 in Paris
    private Database _db = null!;
    private FakeTimeProvider _time = null!;
    private DowntimeRepository _store = null!;
    private DowntimeService _service = null!;
    private DowntimeCalendar _calendar = null!;
    private readonly DowntimeOptions _options = new();

    [SetUp]
    public async Task CreateStore()
    {
        _db = await Stores.NewDatabaseAsync(provider);
        _time = new FakeTimeProvider(T0);
        await new UserRepository(_db, _time).ReplaceAllAsync([U("a", "Finance", "Paris"), U("b", "Finance", "Lyon"),
            U("c", "Sales", "Paris"), U("d", "Sales", "Lyon")]);
        _store = new DowntimeRepository(_db);
        _service = new DowntimeService(_store, Options.Create(_options), _time, NullLogger<DowntimeService>.Instance);
        _calendar = new DowntimeCalendar(_store, Options.Create(_options));
    }

    [TearDown]
    public async Task DisposeStore() => await _db.DisposeAsync();

    private static User U(string id, string department, string site) =>
        new(id, $"{id}@example.com", $"User {id}", department, site, null, Rank.IndividualContributor, "Europe/Paris", "en-GB", true, false);

    private async Task<DowntimeRecord> CreateAsync(DowntimeRequest r)
    {
        var (created, reason, problems) = await _service.CreateAsync(r, "alice", default);
        Assert.That(problems, Is.Empty, reason);
        return created!;
    }

    private Task<IReadOnlySet<string>> AtAsync(DateTimeOffset at) => _calendar.UsersInDowntimeAsync(at, default);

    [Test]
    public async Task Users_and_groups_are_in_downtime_between_its_start_and_its_end_only()
    {
        await CreateAsync(new DowntimeRequest(["a"], null, null, T0.AddHours(1), T0.AddDays(3), "leave", null));
        await CreateAsync(new DowntimeRequest(null, "site", "Lyon", T0, T0.AddHours(4), "network migration", null));

        Assert.That(await AtAsync(T0.AddMinutes(-1)), Is.Empty);
        Assert.That(await AtAsync(T0), Is.EquivalentTo(new[] { "b", "d" }), "the site's people");
        Assert.That(await AtAsync(T0.AddHours(2)), Is.EquivalentTo(new[] { "a", "b", "d" }));
        Assert.That(await AtAsync(T0.AddHours(4)), Is.EquivalentTo(new[] { "a" }), "the change window ended by itself");
        Assert.That(await AtAsync(T0.AddDays(3)), Is.Empty);
    }

    [Test]
    public async Task A_weekly_window_covers_its_occurrences_and_spans_list_each_per_member()
    {
        var (weekly, _) = WeeklyRecurrence.Parse(["sat"], "22:00", "06:00", "Europe/Paris");
        await CreateAsync(new DowntimeRequest(null, "department", "Sales", T0, T0.AddDays(14), "weekend changes", weekly));

        Assert.That(await AtAsync(T0.AddDays(1)), Is.Empty, "a Tuesday");
        Assert.That(await AtAsync(new DateTimeOffset(2026, 11, 28, 23, 0, 0, TimeSpan.Zero)), Is.EquivalentTo(new[] { "c", "d" }));
        var spans = await _calendar.SpansAsync(T0, T0.AddDays(30), default);
        Assert.That(spans, Has.Count.EqualTo(4), "two Saturdays, two members");
        Assert.That(spans.Where(s => s.UserId == "c").Select(s => s.Until - s.From), Has.All.EqualTo(TimeSpan.FromHours(8)));
        Assert.That(spans.Select(s => s.LongLeave), Has.All.False);
    }

    [Test]
    public async Task Ending_early_keeps_what_happened_and_deleting_a_future_one_leaves_nothing()
    {
        var now = await CreateAsync(new DowntimeRequest(["a", "b"], null, null, T0, T0.AddDays(60), "parental leave", null));
        var later = await CreateAsync(new DowntimeRequest(["c"], null, null, T0.AddDays(10), T0.AddDays(12), "leave", null));
        Assert.That((await _calendar.SpansAsync(T0, T0.AddDays(1), default)).Select(s => s.LongLeave), Has.All.True);

        _time.Advance(TimeSpan.FromDays(2));
        Assert.That(await _store.EndAsync(now.Id, "bob", _time.GetUtcNow(), default), Is.True);
        Assert.That(await _store.EndAsync(later.Id, "bob", _time.GetUtcNow(), default), Is.True);
        Assert.That(await _store.EndAsync(later.Id, "bob", _time.GetUtcNow(), default), Is.False, "gone");

        Assert.That(await AtAsync(_time.GetUtcNow()), Is.Empty);
        var spans = await _calendar.SpansAsync(T0.AddDays(-1), T0.AddDays(30), default);
        Assert.That(spans.Select(s => (s.UserId, s.From, s.Until)), Is.EquivalentTo(new[] { ("a", T0, T0.AddDays(2)), ("b", T0, T0.AddDays(2)) }));
        Assert.That((await _store.FindAsync(now.Id, default))!.EndedBy, Is.EqualTo("bob"));
    }

    [Test]
    public async Task Unknown_people_and_empty_groups_are_refused_and_counted()
    {
        var before = DowntimeMetrics.Rejected.WithLabels("unknown_users").Value;
        var (created, reason, problems) = await _service.CreateAsync(
            new DowntimeRequest(["a", "nobody"], null, null, null, T0.AddDays(1), "leave", null), "alice", default);
        Assert.That((created, reason), Is.EqualTo(((DowntimeRecord?)null, "unknown_users")));
        Assert.That(problems.Single(), Does.Contain("nobody"));
        Assert.That(DowntimeMetrics.Rejected.WithLabels("unknown_users").Value, Is.EqualTo(before + 1));
        (_, reason, _) = await _service.CreateAsync(new DowntimeRequest(null, "site", "Atlantis", null, T0.AddDays(1), "x", null), "a", default);
        Assert.That(reason, Is.EqualTo("unknown_group"));
    }

    [Test]
    public async Task Retention_deletes_long_ended_downtimes_and_erasure_removes_a_person_from_theirs()
    {
        var old = await CreateAsync(new DowntimeRequest(["a"], null, null, T0, T0.AddDays(1), "leave", null));
        var current = await CreateAsync(new DowntimeRequest(["a", "b"], null, null, T0, T0.AddDays(300), "leave", null));
        _time.Advance(_options.KeepEnded + TimeSpan.FromDays(2));
        var result = await new DowntimeRetentionJob(_store, Options.Create(_options), _time).RunAsync(default);
        Assert.That(result.Message, Does.StartWith("1 ended"));
        Assert.That(await _store.FindAsync(old.Id, default), Is.Null);
        Assert.That(await _store.FindAsync(current.Id, default), Is.Not.Null, "ended less than Downtime:KeepEnded ago");

        var erased = await new PersonalDataRepository(_db).EraseAsync("a", default);
        Assert.That(erased.Linked["downtime_users"], Is.EqualTo(1));
        Assert.That((await _store.FindAsync(current.Id, default))!.Users, Is.EqualTo(new[] { "b" }));
    }

    [Test]
    public async Task The_pulse_run_skips_people_in_downtime_and_asks_them_again_after_it()
    {
        await CreateAsync(new DowntimeRequest(["a"], null, null, T0, T0.AddHours(2), "leave", null));
        var pulses = new InMemoryPulseStore();
        var options = new PulseOptions
        {
            SigningKeys = ["downtime-test-signing-key-0123456789ab"], PublicBaseUrl = "https://pulse.example.com", DailySampleRate = 1,
        };
        var o = Options.Create(options);
        var email = new FakeChannel("email");
        var service = new PulseService(pulses, new InMemoryUserDirectory(U("a", "Finance", "Paris"), U("b", "Finance", "Lyon")),
            new PulseComposer(new PulseLinks(new PulseTokenCodec(options.SigningKeys), options), options),
            new PulseChannels([email], o), o, _time, NullLogger<PulseService>.Instance, downtime: _calendar);

        Assert.That(await service.DispatchAsync(default), Is.EqualTo(1));
        Assert.That(pulses.Pulses.Single().UserId, Is.EqualTo("b"));
        _time.Advance(TimeSpan.FromHours(2));
        Assert.That(await service.DispatchAsync(default), Is.EqualTo(1));
        Assert.That(pulses.Pulses.Select(p => p.UserId), Is.EquivalentTo(new[] { "a", "b" }), "the downtime ended by itself");
    }

    [Test]
    public async Task Who_is_in_downtime_is_read_with_few_queries_at_100000_users()
    {
        await using (var c = await _db.OpenAsync())
        {
            await using var tx = await c.BeginTransactionAsync();
            await _db.Dialect.InsertManyAsync(c, tx,
                "INSERT INTO users (id, email, display_name, department, site, manager, user_rank, time_zone, locale, active, opted_out, updated_at)",
                Enumerable.Range(0, 100_000), i => [$"u{i}", $"u{i}@example.com", "U", $"D{i % 50}", $"S{i % 20}", null, "IndividualContributor",
                    "UTC", "en-GB", true, false, T0], "", default);
            await tx.CommitAsync();
        }
        for (var i = 0; i < 20; i++)
            await CreateAsync(new DowntimeRequest([.. Enumerable.Range(i * 100, 100).Select(n => $"u{n}")], null, null, T0, T0.AddDays(5), "leave", null));
        await CreateAsync(new DowntimeRequest(null, "department", "D7", T0, T0.AddDays(1), "change", null));

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var users = await AtAsync(T0.AddHours(1));
        watch.Stop();
        Assert.That(users, Has.Count.EqualTo(2000 + 2000 - 40), "20 lists of 100 and a department of 2000 (40 in both)");
        TestContext.Out.WriteLine($"{provider}: users in downtime at 100,000 users in {watch.ElapsedMilliseconds} ms");
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
    }
}
