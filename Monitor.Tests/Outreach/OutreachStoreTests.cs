using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Evaluation;
using Monitor.Core.Outreach;
using Monitor.Core.Signals;
using Monitor.Core.Users;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.UserDirectory;
using Monitor.Worker.Outreach;
using Monitor.Worker.StaffConsole;
using Monitor.Worker.Storage;

namespace Monitor.Tests.Outreach;

/// <summary>Visits, who to visit and lunches on both stores, through the service the API and the console use.</summary>
[TestFixture(Stores.Sqlite)]
[TestFixture(Stores.Postgres)]
public sealed class OutreachStoreTests(string provider)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
    private Database _db = null!;
    private FakeTimeProvider _time = null!;
    private UserRepository _users = null!;
    private SignalRepository _signals = null!;
    private VisitRepository _visits = null!;
    private LunchRepository _lunches = null!;
    private OutreachService _service = null!;

    [SetUp]
    public async Task CreateStore()
    {
        _db = await Stores.NewDatabaseAsync(provider);
        _time = new FakeTimeProvider(T0);
        _users = new UserRepository(_db, _time);
        _signals = new SignalRepository(_db, _time);
        _visits = new VisitRepository(_db);
        _lunches = new LunchRepository(_db);
        _service = new OutreachService(_visits, _lunches, _users, new BoardRepository(_db), _signals,
            Options.Create(new OutreachOptions()), _time);
    }

    [TearDown]
    public async Task DisposeStore() => await _db.DisposeAsync();

    private static User U(string id, string dept = "Finance", DateOnly? joined = null) => WhoToVisitTests.U(id, joined, dept: dept);

    [Test]
    public async Task The_join_date_is_read_from_the_csv_stored_and_a_change_of_it_is_synchronised()
    {
        var csv = await CsvDirectorySource.ParseAsync(new StringReader(
            "id,email,display_name,department,site,joined\n" +
            "a,a@example.com,A,Finance,Paris,2026-11-16\n" +
            "b,b@example.com,B,Finance,Paris,\n"), "users.csv", default);
        Assert.That(csv.Errors, Is.Empty);
        await _users.ReplaceAllAsync(csv.Users);
        Assert.That((await _users.FindAsync("a", default))!.Joined, Is.EqualTo(new DateOnly(2026, 11, 16)));
        Assert.That((await _users.FindAsync("b", default))!.Joined, Is.Null);
        var changed = await _users.ReplaceAllAsync([csv.Users[0] with { Joined = new DateOnly(2026, 11, 2) }, csv.Users[1]]);
        Assert.That(changed.Updated, Is.EqualTo(1));
        Assert.That((await _users.FindAsync("a", default))!.Joined, Is.EqualTo(new DateOnly(2026, 11, 2)));

        var bad = await CsvDirectorySource.ParseAsync(new StringReader(
            "id,email,display_name,department,site,joined\na,a@example.com,A,Finance,Paris,16/11/2026\n"), "users.csv", default);
        Assert.That(bad.Errors.Single(), Is.EqualTo("users.csv line 2: joined '16/11/2026' is not a date (yyyy-MM-dd)"));
    }

    [Test]
    public async Task A_visit_is_stored_and_becomes_one_touchpoint_signal_with_the_feeling_as_score()
    {
        await _users.ReplaceAllAsync([U("a")]);
        var visit = new Visit(Guid.CreateVersion7(), "a", VisitKinds.Call, -1, "it-lead", T0.AddHours(-1), "printer again",
            new DateOnly(2026, 12, 1));
        await _service.RecordAsync(visit, default);
        await _service.RecordAsync(visit with { Id = Guid.CreateVersion7(), Feeling = null, At = T0.AddHours(-2) }, default);

        var stored = await _visits.ForUserAsync("a", 10);
        Assert.That(stored, Has.Count.EqualTo(2));
        Assert.That(stored[0], Is.EqualTo(visit), "newest first, every field round-trips");
        var signals = await _signals.ForUsersAsync(["a"], T0.AddDays(-1));
        var touchpoint = signals["a"].Single();
        Assert.That((touchpoint.Kind, touchpoint.Score, touchpoint.Source),
            Is.EqualTo((SignalKinds.Touchpoint, -1.0, $"visit:{visit.Id}")));
        Assert.That((await _visits.LastVisitsAsync())["a"], Is.EqualTo(new LastVisit(visit.At, new DateOnly(2026, 12, 1))));
        Assert.That((await _visits.CountByKindAsync(T0.AddDays(-30)))[VisitKinds.Call], Is.EqualTo(2));
    }

    [Test]
    public async Task Who_to_visit_reads_states_visits_tickets_and_join_dates_from_the_store()
    {
        await _users.ReplaceAllAsync([U("red"), U("fine"), U("ticket"), U("new", joined: new DateOnly(2026, 11, 20))]);
        var states = new StateRepository(_db);
        var wentRed = T0.AddDays(-3);
        await states.SaveAsync(
            [new UserStatus("red", SatisfactionState.Down, -0.9, T0, false, 0, 0, wentRed, T0)],
            [new StateChange("red", SatisfactionState.Up, SatisfactionState.Down, wentRed, -0.9, [])], []);
        await _service.RecordAsync(new Visit(Guid.CreateVersion7(), "red", VisitKinds.Chat, 0, "x", T0.AddDays(-5), null, null), default);
        await _service.RecordAsync(new Visit(Guid.CreateVersion7(), "fine", VisitKinds.Chat, 0.5, "x", T0.AddDays(-5), null, null),
            default);
        await _signals.WriteAsync([new Signal("ticket", SignalKinds.TicketCsat, 0.5, 1, T0.AddDays(-2), "csat:1")], default);

        var lines = await _service.WhoToVisitAsync(default);
        Assert.That(lines.Select(l => (l.User.Id, l.Reason, l.Since)), Is.EqualTo(new[]
        {
            ("red", OutreachReason.Red, (DateOnly?)new DateOnly(2026, 11, 23)),
            ("new", OutreachReason.Welcome, new DateOnly(2026, 11, 20)),
        }));

        await _service.RecordAsync(new Visit(Guid.CreateVersion7(), "red", VisitKinds.InPerson, -0.5, "x", T0, null, null), default);
        Assert.That((await _service.WhoToVisitAsync(default)).Select(l => l.User.Id), Is.EqualTo(new[] { "new" }));
    }

    [Test]
    public async Task A_lunch_draw_respects_the_cooldown_and_attendance_makes_one_lunch_visit_per_person_once()
    {
        await _users.ReplaceAllAsync(Enumerable.Range(1, 6).Select(i => U($"u{i}", dept: i % 2 == 0 ? "Sales" : "HR")).ToList());
        var (lunch, drawn) = await _service.DrawLunchAsync(4, 7, "it-lead", default);
        Assert.That(drawn, Has.Count.EqualTo(4));
        Assert.That(drawn.Count(u => u.Department == "Sales"), Is.EqualTo(2));
        var stored = await _lunches.FindAsync(lunch.Id);
        Assert.That(stored!.Invitees.Select(i => i.UserId), Is.EquivalentTo(drawn.Select(u => u.Id)));
        Assert.That(stored.Seed, Is.EqualTo(7));

        _time.Advance(TimeSpan.FromDays(10));
        var (_, second) = await _service.DrawLunchAsync(4, 8, "it-lead", default);
        Assert.That(second.Select(u => u.Id), Is.EquivalentTo(new[] { "u1", "u2", "u3", "u4", "u5", "u6" }.Except(drawn.Select(u => u.Id))),
            "only the two not invited within the cooldown");

        var came = drawn.Take(2).Select(u => u.Id).ToList();
        var made = await _service.RecordAttendanceAsync(lunch.Id, came, "it-lead", default);
        Assert.That(made!.Select(v => (v.UserId, v.Kind, v.LunchId)),
            Is.EquivalentTo(came.Select(id => (id, VisitKinds.Lunch, (Guid?)lunch.Id))));
        var again = await _service.RecordAttendanceAsync(lunch.Id, came, "it-lead", default);
        Assert.That(again, Is.Empty, "recording the same attendance again makes no second visit");
        Assert.That((await _lunches.FindAsync(lunch.Id))!.Invitees.Count(i => i.Attended == false), Is.EqualTo(2));
        Assert.That(await _service.RecordAttendanceAsync(Guid.NewGuid(), came, "x", default), Is.Null);
        await Assert.ThrowsAsync<ArgumentException>(async () => await _service.RecordAttendanceAsync(lunch.Id, ["stranger"], "x", default));
        Assert.That((await _visits.ForUserAsync(came[0], 10)).Single().Feeling, Is.Null);
    }

    [Test]
    public async Task Red_users_and_their_visits_give_the_visited_ratio()
    {
        var states = new StateRepository(_db);
        var monday = new DateTimeOffset(2026, 11, 16, 9, 0, 0, TimeSpan.Zero);
        await states.SaveAsync([], [new StateChange("a", SatisfactionState.Up, SatisfactionState.Down, monday, -1, [])], []);
        Assert.That((await _visits.WentDownAsync())["a"], Is.EqualTo(monday));
        await _visits.InsertAsync(new Visit(Guid.NewGuid(), "a", VisitKinds.Call, null, "x", monday.AddDays(2), null, null), T0);
        var times = await _visits.VisitTimesAsync(["a", "b"], monday);
        var entries = new Dictionary<string, DateTimeOffset> { ["a"] = monday, ["b"] = monday, ["c"] = T0.AddHours(-1) };
        // a visited on Wednesday (in time), b never (late), c went red an hour ago (not judged yet).
        Assert.That(VisitMetrics.RedVisitedRatio(entries, times, T0), Is.EqualTo(0.5));
        Assert.That(VisitMetrics.RedVisitedRatio(new Dictionary<string, DateTimeOffset>(), times, T0), Is.EqualTo(1));
    }

    [Test]
    public async Task The_visits_section_lists_visits_encoded_and_shows_notes_to_staff_only()
    {
        await _users.ReplaceAllAsync([U("a")]);
        await _service.RecordAsync(new Visit(Guid.CreateVersion7(), "a", VisitKinds.InPerson, 1, "<it>", T0, "<script>x</script> notes",
            new DateOnly(2026, 12, 3)), default);
        var section = new VisitsSection(_visits);
        var tokens = new AntiforgeryTokenSet("t", "c", "__RequestVerificationToken", null);
        var staff = await section.RenderAsync(new UserPageContext(U("a"), new Actor("ann", ConsoleRoles.Staff), tokens, ""), default);
        Assert.That(staff, Does.Contain("<h2>Visits</h2>").And.Contain("href=\"/console/users/a/visits/new\">Log a visit</a>"));
        Assert.That(staff, Does.Contain("2026-11-26 10:00 UTC · In person · by &lt;it&gt;").And.Contain("follow up on 2026-12-03"));
        Assert.That(staff, Does.Contain("&lt;script&gt;x&lt;/script&gt; notes").And.Not.Contain("<script>"));
        var viewer = await section.RenderAsync(new UserPageContext(U("a"), new Actor("vic", ConsoleRoles.Viewer), tokens, ""), default);
        Assert.That(viewer, Does.Contain("In person").And.Not.Contain("notes").And.Not.Contain("Log a visit"));
        var none = await section.RenderAsync(new UserPageContext(U("b"), new Actor("ann", ConsoleRoles.Staff), tokens, ""), default);
        Assert.That(none, Does.Contain("No visit yet."));
    }
}
