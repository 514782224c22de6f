using Monitor.Core.Signals;

namespace Monitor.Core.Evaluation;

/// <summary>What the evaluator concludes about one user at one moment.</summary>
/// <param name="Causes">The signals of the event that put the user into <paramref name="State"/>
/// (empty when staleness did).</param>
public sealed record Assessment(
    SatisfactionState State,
    double? Score,
    DateTimeOffset? LastSignalAt,
    bool Flapping,
    double FlapPercent,
    int SoftDownCount,
    IReadOnlyList<Signal> Causes);

/// <summary>
/// Turns a user's signals into a state the way a network monitor turns check results into a host state.
/// The signals inside the window are replayed in observation order; signals observed at the same instant
/// form one event. Each event is one check result: thresholds with hysteresis, soft attempts before down,
/// hard signals down at once, and every result feeds the flap detector. The state is therefore a pure
/// function of the signals and the time, whatever order they were stored in.
/// </summary>
public sealed class StateMachine(EvaluationOptions options)
{
    private static readonly Comparison<Signal> Canonical = (a, b) =>
    {
        var c = a.ObservedAt.UtcTicks.CompareTo(b.ObservedAt.UtcTicks);
        if (c == 0) c = string.CompareOrdinal(a.Kind, b.Kind);
        if (c == 0) c = string.CompareOrdinal(a.Source, b.Source);
        return c;
    };

    public Assessment Evaluate(IEnumerable<Signal> signals, DateTimeOffset now)
    {
        var oldest = now - options.Window;
        var ordered = signals.Where(s => s.ObservedAt <= now && s.ObservedAt > oldest).ToList();
        ordered.Sort(Canonical);

        var state = SatisfactionState.Unknown;
        var soft = 0;
        var flap = new FlapDetector(options.Flapping);
        IReadOnlyList<Signal> causes = [];
        double? score = null;
        var mean = new DecayedMean(options.HalfLife);
        DateTimeOffset? lastPresence = null;

        for (var i = 0; i < ordered.Count;)
        {
            var at = ordered[i].ObservedAt;
            var j = i;
            var hard = false;
            for (; j < ordered.Count && ordered[j].ObservedAt == at; j++)
            {
                var s = ordered[j];
                mean.Add(s);
                hard |= options.HardSignal.IsHard(s);
                if (SignalKinds.ShowsPresence(s.Kind)) lastPresence = at;
            }
            score = mean.Value!.Value;
            var next = Step(state, score.Value, hard, ref soft);
            flap.Record(next != state);
            if (next != state) causes = ordered.GetRange(i, j - i);
            state = next;
            i = j;
        }

        if (lastPresence is null || lastPresence <= now - options.StaleAfter)
        {
            if (state != SatisfactionState.Unknown) causes = [];
            state = SatisfactionState.Unknown;
            soft = 0;
        }

        return new Assessment(state, score, ordered.Count > 0 ? ordered[^1].ObservedAt : null,
            flap.Flapping, flap.Percent, soft, causes);
    }

    /// <summary>One check result: where a user in <paramref name="current"/> goes on this score.</summary>
    public SatisfactionState Step(SatisfactionState current, double score, bool hard, ref int softDownCount)
    {
        if (hard)
        {
            softDownCount = 0;
            return SatisfactionState.Down;
        }
        var target = Classify(current, score);
        if (target == SatisfactionState.Down && current != SatisfactionState.Down)
        {
            if (++softDownCount < options.SoftAttempts) return SatisfactionState.Degraded; // at risk, soft
            softDownCount = 0;
            return SatisfactionState.Down;
        }
        softDownCount = 0;
        return target;
    }

    /// <summary>The state a score points to from <paramref name="current"/>, with hysteresis.</summary>
    public SatisfactionState Classify(SatisfactionState current, double score)
    {
        var t = options.Thresholds;
        return current switch
        {
            SatisfactionState.Down when score >= t.UpRecoverAt => SatisfactionState.Up,
            SatisfactionState.Down when score >= t.DownRecoverAt => SatisfactionState.Degraded,
            SatisfactionState.Down => SatisfactionState.Down,
            _ when score < t.DownBelow => SatisfactionState.Down,
            SatisfactionState.Degraded when score >= t.UpRecoverAt => SatisfactionState.Up,
            SatisfactionState.Degraded => SatisfactionState.Degraded,
            _ when score < t.DegradedBelow => SatisfactionState.Degraded,
            _ => SatisfactionState.Up,
        };
    }
}
