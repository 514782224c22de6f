using Microsoft.Extensions.Configuration;
using FsCheck;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;
using Monitor.Core.Evaluation;
using Monitor.Core.Signals;

namespace Monitor.Tests.Core;

public sealed class StateMachineTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private readonly EvaluationOptions _options = new();
    private StateMachine Machine => new(_options);

    private static Signal S(double score, double daysAgo, string kind = SignalKinds.TicketSentiment, string? source = null) =>
        new("u1", kind, score, 1.0, Now.AddDays(-daysAgo), source ?? $"s{score}:{daysAgo}:{kind}");

    [Test]
    public void A_user_without_signals_is_unknown()
    {
        var a = Machine.Evaluate([], Now);
        Assert.That(a.State, Is.EqualTo(SatisfactionState.Unknown));
        Assert.That(a.Score, Is.Null);
    }

    [Test]
    public void One_hard_signal_makes_the_user_down_at_once_and_is_named_as_the_cause()
    {
        var hard = S(-1.0, 0.1, SignalKinds.Touchpoint, "api:1");
        var a = Machine.Evaluate([S(0.8, 5), S(0.9, 4), hard], Now);
        Assert.That(a.State, Is.EqualTo(SatisfactionState.Down));
        Assert.That(a.Causes, Is.EqualTo(new[] { hard }));
    }

    [Test]
    public void A_soft_move_to_down_shows_degraded_until_the_attempts_are_used()
    {
        var first = Machine.Evaluate([S(-0.6, 2)], Now);
        Assert.That(first.State, Is.EqualTo(SatisfactionState.Degraded));
        Assert.That(first.SoftDownCount, Is.EqualTo(1));
        var second = Machine.Evaluate([S(-0.6, 2), S(-0.7, 1)], Now);
        Assert.That(second.State, Is.EqualTo(SatisfactionState.Down));
    }

    [Test]
    public void A_down_user_needs_the_recovery_threshold_to_come_back_up()
    {
        // -1 then +0.5: mean -0.25 with nearly equal weights, above DownBelow but below DownRecoverAt.
        var signals = new List<Signal> { S(-1.0, 1, SignalKinds.Touchpoint), S(0.5, 0.5) };
        Assert.That(Machine.Evaluate(signals, Now).State, Is.EqualTo(SatisfactionState.Down));
        signals.Add(S(1.0, 0.2));
        Assert.That(Machine.Evaluate(signals, Now).State, Is.EqualTo(SatisfactionState.Degraded));
        signals.Add(S(1.0, 0.1));
        Assert.That(Machine.Evaluate(signals, Now).State, Is.EqualTo(SatisfactionState.Up));
    }

    [Test]
    public void A_user_whose_last_signal_is_older_than_the_stale_window_is_unknown()
    {
        var a = Machine.Evaluate([S(-1.0, 31, SignalKinds.Touchpoint)], Now);
        Assert.That(a.State, Is.EqualTo(SatisfactionState.Unknown));
        Assert.That(a.Score, Is.EqualTo(-1.0));
    }

    [Test]
    public void An_unanswered_pulse_does_not_keep_a_user_known()
    {
        var a = Machine.Evaluate([S(0.5, 40), new Signal("u1", SignalKinds.PulseNoAnswer, 0, 0.2, Now.AddDays(-1), "p1")], Now);
        Assert.That(a.State, Is.EqualTo(SatisfactionState.Unknown));
    }

    [Test]
    public void Signals_older_than_the_window_are_ignored()
    {
        var a = Machine.Evaluate([S(-1.0, 91), S(0.6, 1)], Now);
        Assert.That(a.Score, Is.EqualTo(0.6).Within(1e-9));
        Assert.That(a.State, Is.EqualTo(SatisfactionState.Up));
    }

    [Test]
    public void Newer_signals_weigh_more_than_older_ones()
    {
        var a = Machine.Evaluate([S(-1.0, 28), S(1.0, 0)], Now);
        // Two half-lives apart: weights 0.25 and 1, mean (−0.25 + 1) / 1.25 = 0.6.
        Assert.That(a.Score, Is.EqualTo(0.6).Within(1e-9));
    }

    [Test]
    public void A_user_whose_state_keeps_changing_is_flapping_and_calms_down_later()
    {
        var signals = new List<Signal>();
        for (var i = 0; i < 10; i++)
        {
            signals.Add(S(-1.0, 20 - 2 * i, SignalKinds.Touchpoint, $"bad{i}"));
            signals.Add(new Signal("u1", SignalKinds.Touchpoint, 1.0, 20, Now.AddDays(-(19 - 2 * i)), $"good{i}"));
        }
        Assert.That(Machine.Evaluate(signals, Now).Flapping, Is.True);
        for (var i = 0; i < 20; i++) signals.Add(S(0.8, 0.5 - i * 0.01, source: $"calm{i}"));
        Assert.That(Machine.Evaluate(signals, Now).Flapping, Is.False);
    }

    [Test]
    public void An_acknowledgement_holds_only_while_the_user_is_down_and_not_expired()
    {
        var ack = new Acknowledgement("u1", "oncall", null, Now, Now.AddHours(4));
        Assert.That(ack.HoldsFor(SatisfactionState.Down, Now.AddHours(1)), Is.True);
        Assert.That(ack.HoldsFor(SatisfactionState.Degraded, Now.AddHours(1)), Is.False);
        Assert.That(ack.HoldsFor(SatisfactionState.Down, Now.AddHours(5)), Is.False);
    }

    [Test]
    public void A_transition_logs_a_state_change_with_its_causes_and_a_steady_state_logs_none()
    {
        var previous = UserStatus.Initial("u1", Now.AddDays(-1));
        var hard = S(-1.0, 0, SignalKinds.Touchpoint, "api:9");
        var (status, change) = Transition.Apply(previous, Machine.Evaluate([hard], Now), Now);
        Assert.That(change, Is.Not.Null);
        Assert.That((change!.From, change.To), Is.EqualTo((SatisfactionState.Unknown, SatisfactionState.Down)));
        Assert.That(change.Causes.Single().Source, Is.EqualTo("api:9"));
        var (_, again) = Transition.Apply(status, Machine.Evaluate([hard], Now), Now);
        Assert.That(again, Is.Null);
    }

    [Test]
    public void Options_that_break_the_threshold_order_fail_naming_the_key()
    {
        var o = new EvaluationOptions { Thresholds = { DownBelow = 0.5 }, SoftAttempts = 0 };
        var errors = o.Validate().ToList();
        Assert.That(errors, Has.Some.StartsWith("Evaluation:Thresholds must satisfy"));
        Assert.That(errors, Has.Some.StartsWith("Evaluation:SoftAttempts must be between 1 and 20"));
        Assert.That(new EvaluationOptions().Validate(), Is.Empty);
    }

    [Test]
    public void A_half_life_too_short_for_the_window_is_refused_because_the_score_would_be_NaN()
    {
        // An hour's half-life over 90 days: the newer signal weighs 2^1440 times the older, which is infinite.
        var o = new EvaluationOptions { HalfLife = TimeSpan.FromHours(1) };
        var mean = new DecayedMean(o.HalfLife);
        mean.Add(new Signal("u1", SignalKinds.Touchpoint, -1, 1, Now.AddDays(-60), "old"));
        mean.Add(new Signal("u1", SignalKinds.Touchpoint, 0.5, 1, Now, "new"));
        Assert.That(mean.Value, Is.NaN, "what such a setting computes");
        Assert.That(o.Validate(), Has.Some.StartsWith("Evaluation:HalfLife must be at least Evaluation:Window / 500"));
        Assert.That(new EvaluationOptions { HalfLife = o.Window / EvaluationOptions.MaxHalfLivesPerWindow }.Validate(), Is.Empty);
    }

    // ---- Properties ----

    private static List<Signal> FromInts(int[] raw) => raw.Select((r, i) =>
    {
        var kinds = new[] { SignalKinds.TicketSentiment, SignalKinds.Touchpoint, SignalKinds.PulseAnswer, SignalKinds.TicketReopened };
        var u = (uint)r;
        return new Signal("u1", kinds[u % 4], ((int)(u / 4 % 9) - 4) / 4.0, 0.5 + u / 36 % 3,
            Now.AddHours(-(double)(u / 108 % (24 * 40))), $"src{i}");
    }).ToList();

    [Property(MaxTest = 300)]
    public bool The_same_signals_in_any_order_give_the_same_assessment(int[] raw, int seed)
    {
        var signals = FromInts(raw);
        var shuffled = signals.OrderBy(_ => 0).ToList();
        new Random(seed).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(shuffled));
        var a = Machine.Evaluate(signals, Now);
        var b = Machine.Evaluate(shuffled, Now);
        return a.State == b.State && a.Score == b.Score && a.Flapping == b.Flapping && a.Causes.SequenceEqual(b.Causes);
    }

    [Property(MaxTest = 500)]
    public bool Hysteresis_holds(NormalFloat value)
    {
        var score = Math.Clamp(value.Get, -1, 1);
        var t = _options.Thresholds;
        var m = Machine;
        var fromDown = m.Classify(SatisfactionState.Down, score);
        var fromUp = m.Classify(SatisfactionState.Up, score);
        var fromDegraded = m.Classify(SatisfactionState.Degraded, score);
        return (score >= t.DownRecoverAt || fromDown == SatisfactionState.Down)
               && (fromDown != SatisfactionState.Up || score >= t.UpRecoverAt)
               && (fromDegraded != SatisfactionState.Up || score >= t.UpRecoverAt)
               && (score < t.DownBelow || fromUp != SatisfactionState.Down)
               && (score < t.DegradedBelow || fromUp == SatisfactionState.Up);
    }

    [Property(MaxTest = 500)]
    public bool Decay_never_grows_with_age(PositiveInt a, PositiveInt b)
    {
        var (younger, older) = a.Get <= b.Get ? (a.Get, b.Get) : (b.Get, a.Get);
        var half = TimeSpan.FromDays(14);
        var dy = Scoring.Decay(TimeSpan.FromMinutes(younger), half);
        var dold = Scoring.Decay(TimeSpan.FromMinutes(older), half);
        return dy >= dold && dold > 0 && dy <= 1;
    }

    [Property(MaxTest = 300)]
    public bool A_hard_signal_always_wins(int[] raw)
    {
        var signals = FromInts(raw);
        signals.Add(new Signal("u1", SignalKinds.PulseAnswer, -1.0, 1.0, Now, "hard"));
        var before = Machine.Evaluate(FromInts(raw), Now.AddTicks(-1));
        var a = Machine.Evaluate(signals, Now);
        // The cause is the hard signal unless the user was down already.
        return a.State == SatisfactionState.Down &&
               (before.State == SatisfactionState.Down || a.Causes.Any(c => c.Source == "hard"));
    }

    [Property(MaxTest = 300)]
    public bool The_score_stays_within_minus_one_and_one(int[] raw)
    {
        var a = Machine.Evaluate(FromInts(raw), Now);
        return a.Score is null or >= -1 and <= 1;
    }

    [Property(MaxTest = 300)]
    public bool The_score_is_the_decayed_weighted_mean_of_the_signals_in_the_window(int[] raw)
    {
        var signals = FromInts(raw);
        var a = Machine.Evaluate(signals, Now);
        // The definition, computed directly: every weight decayed to now, signals outside the window left out.
        var inWindow = signals.Where(s => s.ObservedAt <= Now && s.ObservedAt > Now - _options.Window).ToList();
        if (inWindow.Count == 0) return a.Score is null;
        var weights = inWindow.Select(s => s.Weight * Scoring.Decay(Now - s.ObservedAt, _options.HalfLife)).ToList();
        var expected = inWindow.Select((s, i) => weights[i] * s.Score).Sum() / weights.Sum();
        return a.Score is { } score && Math.Abs(score - Math.Clamp(expected, -1, 1)) < 1e-9;
    }

    [Test]
    public void Configured_hard_kinds_replace_the_defaults_rather_than_adding_to_them()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["HardSignal:Kinds:0"] = SignalKinds.TicketCsat })
            .Build();
        var options = new EvaluationOptions();
        configuration.Bind(options);

        Assert.That(options.HardSignal.EffectiveKinds, Is.EqualTo(new[] { SignalKinds.TicketCsat }));
        var machine = new StateMachine(options);
        Assert.That(machine.Evaluate([S(-1.0, 0.1, SignalKinds.Touchpoint, "api:1")], Now).State, Is.Not.EqualTo(SatisfactionState.Down));
        Assert.That(new StateMachine(new EvaluationOptions()).Evaluate([S(-1.0, 0.1, SignalKinds.Touchpoint, "api:1")], Now).State,
            Is.EqualTo(SatisfactionState.Down));
    }
}
