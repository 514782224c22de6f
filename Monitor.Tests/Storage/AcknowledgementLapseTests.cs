using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Evaluation;
using Monitor.Core.Signals;
using Monitor.Core.Users;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Escalation;
using Monitor.Worker.Evaluation;
using Monitor.Worker.Exporter;
using Monitor.Worker.Storage;
using Prometheus;

namespace Monitor.Tests.Storage;

/// <summary>
/// An acknowledgement that expires while its user is still down is kept as the record of the lapse (docs/operations.md
/// "AcknowledgementLapsed") and exported as such; it goes when the user leaves down. The escalation series come from the
/// same store on both kinds of store.
/// </summary>
[TestFixture(Stores.Sqlite)]
[TestFixture(Stores.Postgres)]
public sealed class AcknowledgementLapseTests(string provider)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task An_expired_acknowledgement_of_a_red_user_lapses_is_exported_and_goes_when_the_user_recovers()
    {
        await using var db = await Stores.NewDatabaseAsync(provider);
        var time = new FakeTimeProvider(T0);
        var users = new UserRepository(db, time);
        var signals = new SignalRepository(db, time);
        var states = new StateRepository(db);
        var acks = new AcknowledgementRepository(db);
        var evaluator = new Evaluator(users, signals, states, acks, Options.Create(new EvaluationOptions()), time,
            NullLogger<Evaluator>.Instance);
        await users.ReplaceAllAsync(new[] { "held", "lapsed", "plain", "green" }.Select(id => new User(id, $"{id}@example.com", id, "Sales",
            "Paris", null, Rank.IndividualContributor, "UTC", "en", true, false)).ToList());
        // Three users go down on a hard signal; "green" is happy.
        await signals.WriteAsync([
            new Signal("held", SignalKinds.Touchpoint, -1.0, 1, T0.AddMinutes(-5), "t:held"),
            new Signal("lapsed", SignalKinds.Touchpoint, -1.0, 1, T0.AddMinutes(-5), "t:lapsed"),
            new Signal("plain", SignalKinds.Touchpoint, -1.0, 1, T0.AddMinutes(-5), "t:plain"),
            new Signal("green", SignalKinds.Touchpoint, 0.9, 1, T0.AddMinutes(-5), "t:green"),
        ], default);
        await evaluator.RunIncrementalAsync(default);
        await acks.SetAsync(new Acknowledgement("held", "oncall", null, T0, null));
        await acks.SetAsync(new Acknowledgement("lapsed", "Dana from on-call", "calling at 10", T0, T0.AddHours(4)));

        time.Advance(TimeSpan.FromHours(5));
        await evaluator.RunFullAsync(default);

        var kept = await acks.LoadAsync(null);
        Assert.That(kept.Keys, Is.EquivalentTo(new[] { "held", "lapsed" }), "the expired acknowledgement of a red user stays");
        var text = await ExportAsync(db, acks, time.GetUtcNow());
        Assert.That(Value(text, "satisfaction_user_acknowledgement_lapsed_timestamp_seconds", "lapsed"),
            Is.EqualTo(T0.AddHours(4).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(Value(text, "satisfaction_user_acknowledgement_lapsed_timestamp_seconds", "held"), Is.Null, "still holds");
        Assert.That(Value(text, "satisfaction_user_acknowledgement_lapsed_timestamp_seconds", "plain"), Is.Null, "never acknowledged");
        Assert.That(Value(text, "satisfaction_user_acknowledged", "lapsed"), Is.Null, "a lapsed acknowledgement does not silence");
        Assert.That(Value(text, "satisfaction_user_down_since_timestamp_seconds", "plain"),
            Is.EqualTo(T0.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)), "went down at the evaluation");
        Assert.That(Value(text, "satisfaction_user_down_since_timestamp_seconds", "green"), Is.Null, "only users who are down");
        Assert.That(text, Does.Not.Contain("Dana").And.Not.Contain("calling at 10"), "who acknowledged and why are never labels");

        // The user recovers: the lapse record goes with the next evaluation, as a holding acknowledgement would.
        await signals.WriteAsync([new Signal("lapsed", SignalKinds.Touchpoint, 1.0, 5, time.GetUtcNow(), "t:lapsed-ok"),
            new Signal("lapsed", SignalKinds.Touchpoint, 1.0, 5, time.GetUtcNow().AddSeconds(1), "t:lapsed-ok2")], default);
        time.Advance(TimeSpan.FromMinutes(1));
        await evaluator.RunIncrementalAsync(default);
        Assert.That((await states.FindAsync("lapsed"))!.State, Is.Not.EqualTo(SatisfactionState.Down));
        Assert.That((await acks.LoadAsync(null)).Keys, Is.EquivalentTo(new[] { "held" }));
        text = await ExportAsync(db, acks, time.GetUtcNow());
        Assert.That(Value(text, "satisfaction_user_acknowledgement_lapsed_timestamp_seconds", "lapsed"), Is.Null);
        Assert.That(Value(text, "satisfaction_user_down_since_timestamp_seconds", "lapsed"), Is.Null);
    }

    /// <summary>One refresh of the escalation series over the board, written as /metrics writes the per-user families.</summary>
    private static async Task<string> ExportAsync(Database db, AcknowledgementRepository acks, DateTimeOffset now)
    {
        var board = await new BoardRepository(db).LoadAsync(now);
        var series = new UserSeries();
        var builder = new UserSeriesBuilder(board, id => id, series)
            .Add(UserMetricsExporter.Acknowledged, r => r.Acknowledged ? 1 : double.NaN);
        await new EscalationMetrics(acks).RefreshAsync(new MetricsRefresh(board, now) { Users = builder }, default);
        series.Publish(builder.Build());
        using var output = new MemoryStream();
        await series.WriteAsync(output, ExpositionFormat.PrometheusText, default);
        return Encoding.UTF8.GetString(output.ToArray());
    }

    private static string? Value(string text, string family, string user) =>
        text.Split('\n').FirstOrDefault(l => l.StartsWith($"{family}{{user=\"{user}\",", StringComparison.Ordinal))?.Split(' ')[^1];
}
