using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Actions;
using Monitor.Core.Evaluation;
using Monitor.Core.Ports;
using Monitor.Core.Users;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Actions;
using Monitor.Worker.Objectives;
using Monitor.Worker.Privacy;
using Monitor.Worker.Storage;
using static Monitor.Tests.Objectives.ObjectiveScenario;

namespace Monitor.Tests.Objectives;

/// <summary>The monthly report computed from the stored state-change log, on both stores, and its CSV.</summary>
[TestFixture(Stores.Sqlite)]
[TestFixture(Stores.Postgres)]
public sealed class ObjectiveStoreTests(string provider)
{
    private Database _db = null!;

    /// <summary>The scenario's downtime, as the downtime module would resolve it.</summary>
    private sealed class FakeCalendar(IReadOnlyList<DowntimeSpan> spans) : IDowntimeCalendar
    {
        public Task<IReadOnlySet<string>> UsersInDowntimeAsync(DateTimeOffset at, CancellationToken ct) =>
            Task.FromResult<IReadOnlySet<string>>(spans.Where(s => s.From <= at && at < s.Until).Select(s => s.UserId).ToHashSet());

        public Task<IReadOnlyDictionary<string, bool>> InDowntimeAsync(DateTimeOffset at, CancellationToken ct) =>
            Task.FromResult<IReadOnlyDictionary<string, bool>>(spans.Where(s => s.From <= at && at < s.Until)
                .GroupBy(s => s.UserId).ToDictionary(g => g.Key, g => g.Any(s => s.LongLeave)));

        public Task<IReadOnlyList<DowntimeSpan>> SpansAsync(DateTimeOffset from, DateTimeOffset until, CancellationToken ct) =>
            Task.FromResult<IReadOnlyList<DowntimeSpan>>(spans.Where(s => s.Until > from && s.From < until).ToList());
    }

    [SetUp]
    public async Task CreateStore()
    {
        _db = await Stores.NewDatabaseAsync(provider);
        var time = new FakeTimeProvider(November.AddDays(3));
        var users = Users.Select(u => U(u, Department)).Append(U("s1", "Sales")).Append(U("s2", "Sales")).ToList();
        await new UserRepository(_db, time).ReplaceAllAsync(users);
        await new StateRepository(_db).SaveAsync([], Changes.Append(
            new StateChange("s1", SatisfactionState.Unknown, SatisfactionState.Down, Oct(2), -1, [])).ToList(), []);
        var actions = new ActionRepository(_db);
        await Action(actions, "=HYPERLINK(\"evil\") Wi-Fi fixed", "f3", Oct(20));
        await Action(actions, "Printer replaced", "s1", Oct(21));   // Sales' action: not Finance's
        await Action(actions, "VPN sped up", "f2", November.AddDays(1)); // shipped after the month
    }

    [TearDown]
    public async Task DisposeStore() => await _db.DisposeAsync();

    private static User U(string id, string dept) =>
        new(id, $"{id}@example.com", $"User {id}", dept, "Paris", null, Rank.IndividualContributor, "Europe/Paris", "fr-FR", true, false);

    private static async Task Action(ActionRepository store, string title, string user, DateTimeOffset shippedAt)
    {
        var a = new ActionRecord(Guid.CreateVersion7(), title, "done", "it", "alice", shippedAt.AddDays(-5));
        await store.CreateAsync(a, default);
        await store.LinkAsync(a.Id, [new Monitor.Core.Actions.SignalRef(user, "ticket_sentiment", "t1")], "alice", shippedAt, default);
        await store.ShipAsync(a.Id, false, "alice", shippedAt, default);
    }

    private ObjectiveReports Reports(int minGroupSize = 3) => new(new ObjectiveRepository(_db), new FakeCalendar(DowntimeSpans),
        Options.Create(new ObjectivesOptions { Departments = { ["Sales"] = 0.8 } }),
        Options.Create(new PrivacyOptions { MinGroupSize = minGroupSize }));

    [Test]
    public async Task The_stored_history_gives_the_hand_worked_month()
    {
        var finance = (await Reports().MonthAsync(October, Department, default)).Single();
        Assert.That(finance.Achieved, Is.EqualTo(Achieved).Within(1e-9));
        Assert.That(finance.BudgetLeft, Is.EqualTo(BudgetLeft).Within(1e-9));
        Assert.That(finance.Users, Is.EqualTo(5));
        Assert.That(finance.WorstWeeks.Select(w => w.From), Is.EqualTo(new[] { Oct(1), Oct(29) }));
        Assert.That(finance.Actions.Select(a => a.Title), Is.EqualTo(new[] { "=HYPERLINK(\"evil\") Wi-Fi fixed" }));
    }

    [Test]
    public async Task Every_department_is_reported_with_its_own_target_and_small_ones_withheld()
    {
        var all = await Reports().MonthAsync(October, null, default);
        Assert.That(all.Select(m => m.Department), Is.EqualTo(new[] { "Finance", "Sales" }));
        var sales = all[1];
        Assert.That(sales.Target, Is.EqualTo(0.8));
        Assert.That((sales.Users, sales.Achieved), Is.EqualTo((1, (double?)null)), "one user with known state: withheld");
        Assert.That(sales.Actions.Select(a => a.Title), Is.EqualTo(new[] { "Printer replaced" }));
    }

    [Test]
    public async Task The_csv_holds_the_figures_and_escapes_what_people_typed()
    {
        var csv = ObjectiveReports.Csv(await Reports().MonthAsync(October, Department, default));
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).ToList();
        Assert.That(lines[0], Is.EqualTo("department,month,section,from,until,item,target,achieved,budget_left,users"));
        Assert.That(lines[1], Is.EqualTo("Finance,2026-10,objective,2026-10-01,2026-11-01,,0.9,0.8286,-0.7143,5"));
        Assert.That(lines[2], Is.EqualTo("Finance,2026-10,worst_week,2026-10-01,2026-10-08,,0.9,0.6667,,3"));
        Assert.That(lines[3], Is.EqualTo("Finance,2026-10,week,2026-10-08,2026-10-15,,0.9,,,2"));
        Assert.That(lines[6], Is.EqualTo("Finance,2026-10,worst_week,2026-10-29,2026-11-01,,0.9,0.8,,5"));
        Assert.That(lines[7], Does.StartWith("Finance,2026-10,action,2026-10-20,,\"'=HYPERLINK(\"\"evil\"\") Wi-Fi fixed\""));
        Assert.That(lines, Has.Count.EqualTo(8));
    }
}
