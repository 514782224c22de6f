using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Evaluation;
using Monitor.Core.Signals;
using Monitor.Core.Users;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Evaluation;
using Monitor.Worker.Storage;

namespace Monitor.Tests.Storage;

/// <summary>The evaluator over a real store: the full sweep and the incremental cycle agree.</summary>
[TestFixture(Stores.Sqlite)]
[TestFixture(Stores.Postgres)]
public sealed class EvaluatorTests(string provider)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task A_full_sweep_and_incremental_cycles_reach_the_same_states_and_log_each_change_once()
    {
        await using var db = await Stores.NewDatabaseAsync(provider);
        var time = new FakeTimeProvider(T0);
        var users = new UserRepository(db, time);
        var signals = new SignalRepository(db, time);
        var states = new StateRepository(db);
        var evaluator = new Evaluator(users, signals, states, new AcknowledgementRepository(db),
            Options.Create(new EvaluationOptions()), time, NullLogger<Evaluator>.Instance);
        var directory = Enumerable.Range(0, 2500).Select(i => new User($"u{i:D4}", $"u{i}@example.com", $"U {i}", "Finance",
            "Paris", null, Rank.IndividualContributor, "UTC", "en", true, false)).ToList();
        await users.ReplaceAllAsync(directory);
        // Every third user unhappy (hard), every third happy, the rest silent; one leaver with signals.
        var batch = directory.Where((_, i) => i % 3 != 2).Select((u, i) => new Signal(u.Id, SignalKinds.Touchpoint,
            i % 2 == 0 ? -1.0 : 0.8, 1, T0.AddDays(-1), $"t:{u.Id}")).ToList();
        batch.Add(new Signal("gone", SignalKinds.Touchpoint, -1.0, 1, T0.AddDays(-1), "t:gone"));
        await signals.WriteAsync(batch, default);

        var incremental = await evaluator.RunIncrementalAsync(default);
        var afterIncremental = await states.LoadAsync(directory.Select(u => u.Id).ToList());
        var full = await evaluator.RunFullAsync(default);
        var afterFull = await states.LoadAsync(directory.Select(u => u.Id).ToList());

        Assert.That(incremental.Users, Is.EqualTo(2500), "joiners and users with new signals, not the leaver");
        Assert.That(full.Users, Is.EqualTo(2500), "the sweep evaluates the directory");
        Assert.That(full.Changes, Is.Zero, "nothing moved between the two");
        Assert.That(afterFull, Is.EquivalentTo(afterIncremental));
        Assert.That(afterFull.Values.Count(s => s.State == SatisfactionState.Down), Is.EqualTo(834));
        Assert.That(afterFull.Values.Count(s => s.State == SatisfactionState.Unknown), Is.EqualTo(833));
        Assert.That(await states.ChangesAsync(null, T0.AddDays(-1), 10_000), Has.Count.EqualTo(2500 - 833));

        time.Advance(TimeSpan.FromDays(31));
        await evaluator.RunFullAsync(default);
        var stale = await states.LoadAsync(directory.Select(u => u.Id).ToList());
        Assert.That(stale.Values, Has.All.Matches<UserStatus>(s => s!.State == SatisfactionState.Unknown),
            "the sweep turns users without a recent signal unknown");
    }

    [Test]
    public async Task A_cause_whose_source_holds_a_newline_escape_or_bidi_override_is_logged_escaped_on_one_line()
    {
        await using var db = await Stores.NewDatabaseAsync(provider);
        var time = new FakeTimeProvider(T0);
        var users = new UserRepository(db, time);
        var signals = new SignalRepository(db, time);
        var log = new ListLogger<Evaluator>();
        var evaluator = new Evaluator(users, signals, new StateRepository(db), new AcknowledgementRepository(db),
            Options.Create(new EvaluationOptions()), time, log);
        await users.ReplaceAllAsync([new User("u1", "u1@example.com", "U 1", "Finance", "Paris", null, Rank.IndividualContributor,
            "UTC", "en", true, false)]);
        // What a signed webhook made of a ticket id "a\u001bb\nINFO forged\u202Ec" (the handler keeps the id as sent).
        await signals.WriteAsync([new Signal("u1", SignalKinds.TicketCsat, -1.0, 1, T0.AddHours(-1),
            "generic:a\u001bb\nINFO forged\u202Ec:csat:bad")], default);

        await evaluator.RunIncrementalAsync(default);

        var line = log.Lines.Single(l => l.Contains(" went ", StringComparison.Ordinal));
        Assert.That(line, Does.Contain(@"ticket_csat:generic:a\u001Bb\nINFO forged\u202Ec:csat:bad"), line);
        Assert.That(line.IndexOfAny(['\n', '\u001b', '\u202E']), Is.EqualTo(-1), line);
    }
}
