using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Pulses;
using Monitor.Core.Signals;
using Monitor.Core.Users;
using Monitor.Probes.Pulse;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Pulse;
using Monitor.Worker.Storage;
using Monitor.Worker.Value;

namespace Monitor.Tests.Storage;

/// <summary>The value answers read back with rank and department, and campaigns stored and found running, on both stores.</summary>
[TestFixture(Stores.Sqlite)]
[TestFixture(Stores.Postgres)]
public sealed class ValueStoreTests(string provider)
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

    private static User U(string id, string dept, Rank rank) =>
        new(id, $"{id}@example.com", $"User {id}", dept, "Paris", null, rank, "Europe/Paris", "fr-FR", true, false);

    private async Task<Guid> PulseAsync(string user, string set)
    {
        var p = new PulseRecord(Guid.CreateVersion7(), user, set, PulseReasons.Scheduled, T0.AddDays(-5), T0.AddDays(2));
        await new PulseRepository(_db).CreateManyAsync([new NewPulse(p, "email", $"{user}@example.com", "m")], default);
        return p.Id;
    }

    private static Signal Answer(string user, Guid pulse, int question, double score, DateTimeOffset at) =>
        new(user, SignalKinds.PulseAnswer, score, 1.0, at, PulseService.PulseSource(pulse, question));

    [Test]
    public async Task Answers_to_value_pulses_come_back_with_dimension_rank_and_department_and_nothing_else_does()
    {
        await new UserRepository(_db, _time).ReplaceAllAsync(
            [U("a", "Finance", Rank.Manager), U("b", "Sales", Rank.IndividualContributor)]);
        var value = await PulseAsync("a", PulseQuestions.Value);
        var plain = await PulseAsync("b", PulseQuestions.Default);
        var valueB = await PulseAsync("b", PulseQuestions.Value);
        await new SignalRepository(_db, _time).WriteAsync([
            Answer("a", value, 0, 1.0, T0.AddDays(-1)), Answer("a", value, 1, 0.5, T0.AddDays(-1)),
            Answer("a", value, 2, -0.5, T0.AddDays(-1)),
            Answer("b", plain, 0, -1.0, T0.AddDays(-1)),
            Answer("b", valueB, 0, 0.0, T0.AddDays(-100)),
            new Signal("b", SignalKinds.PulseNoAnswer, 0, 0.2, T0.AddDays(-1), PulseService.PulseSource(valueB, 0)),
            new Signal("a", SignalKinds.PulseAnswer, 1, 1, T0.AddDays(-1), $"pulse:{value}:qx"),
        ], default);

        var answers = await new ValueRepository(_db).AnswersAsync(T0.AddDays(-90), T0, default);

        Assert.That(answers.Select(a => (a.UserId, a.Rank, a.Department, a.Dimension, a.Score)), Is.EquivalentTo(new[]
        {
            ("a", Rank.Manager, "Finance", "you", 1.0), ("a", Rank.Manager, "Finance", "team", 0.5),
            ("a", Rank.Manager, "Finance", "business", -0.5),
        }), "the default set, the old answer, the no-answer and a malformed source are left out");
        Assert.That(answers.Select(a => a.ObservedAt), Has.All.EqualTo(T0.AddDays(-1)));

        await new UserRepository(_db, _time).ReplaceAllAsync([U("b", "Sales", Rank.IndividualContributor)]);
        Assert.That(await new ValueRepository(_db).AnswersAsync(T0.AddDays(-90), T0, default), Is.Empty, "a leaver's answers go");
    }

    [Test]
    public async Task Campaigns_are_stored_listed_found_running_and_deleted()
    {
        var repo = new CampaignRepository(_db);
        var past = new Campaign(Guid.CreateVersion7(), "value", [], [], T0.AddDays(-10), T0.AddDays(-1), T0.AddDays(-11));
        var running = new Campaign(Guid.CreateVersion7(), "value", ["Finance", "HR"], ["manager"], T0.AddDays(-1), T0.AddDays(1), T0);
        var future = new Campaign(Guid.CreateVersion7(), "value", [], ["executive"], T0.AddDays(1), T0.AddDays(5), T0);
        foreach (var c in new[] { future, running, past }) await repo.AddAsync(c, default);

        var listed = await repo.ListAsync(default);
        Assert.That(listed.Select(c => c.Id), Is.EqualTo(new[] { past.Id, running.Id, future.Id }), "earliest start first");
        var read = listed[1];
        Assert.That((read.QuestionSet, read.Start, read.End, read.CreatedAt),
            Is.EqualTo((running.QuestionSet, running.Start, running.End, running.CreatedAt)));
        Assert.That(read.Departments, Is.EqualTo(new[] { "Finance", "HR" }));
        Assert.That(read.Ranks, Is.EqualTo(new[] { "manager" }));

        Assert.That((await repo.RunningAsync(T0, default)).Select(c => c.Id), Is.EqualTo(new[] { running.Id }));
        Assert.That((await repo.RunningAsync(T0.AddDays(1), default)).Select(c => c.Id), Is.EqualTo(new[] { future.Id }),
            "the end is exclusive, the start inclusive");

        Assert.That(await repo.DeleteAsync(running.Id, default), Is.True);
        Assert.That(await repo.DeleteAsync(running.Id, default), Is.False);
        Assert.That((await repo.ListAsync(default)).Select(c => c.Id), Is.EqualTo(new[] { past.Id, future.Id }));
    }

    [Test]
    public async Task The_chooser_gives_the_running_campaign_that_covers_a_person_the_latest_started_first()
    {
        var repo = new CampaignRepository(_db);
        await repo.AddAsync(new Campaign(Guid.CreateVersion7(), "value", ["Finance"], [], T0.AddDays(-3), T0.AddDays(3), T0), default);
        await repo.AddAsync(
            new Campaign(Guid.CreateVersion7(), "default", ["Finance"], ["executive"], T0.AddDays(-1), T0.AddDays(3), T0), default);
        await repo.AddAsync(new Campaign(Guid.CreateVersion7(), "value", [], [], T0.AddDays(1), T0.AddDays(3), T0), default);

        var choose = await new CampaignQuestionSetChooser(repo).ForRunAsync(T0, default);

        Assert.That(choose(U("m", "Finance", Rank.Manager)), Is.EqualTo("value"));
        Assert.That(choose(U("e", "Finance", Rank.Executive)), Is.EqualTo("default"), "the later-started campaign wins");
        Assert.That(choose(U("s", "Sales", Rank.Manager)), Is.Null, "not covered: the configured set");
    }
}
