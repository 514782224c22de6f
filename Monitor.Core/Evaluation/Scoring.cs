using Monitor.Core.Signals;

namespace Monitor.Core.Evaluation;

/// <summary>The time-decayed, weighted mean of a user's signals.</summary>
public static class Scoring
{
    /// <summary>
    /// The decay factor of a signal of the given age: 1 when new, halving every half-life, never
    /// increasing with age. Signals from the future (clock skew) count as new.
    /// </summary>
    public static double Decay(TimeSpan age, TimeSpan halfLife) =>
        age <= TimeSpan.Zero ? 1.0 : Math.Pow(0.5, age / halfLife);

    /// <summary>
    /// The score at <paramref name="at"/> of the signals observed at or before it and inside the window,
    /// or null when there are none. Because every weight decays at the same rate, the score only moves
    /// when a signal arrives or leaves the window.
    /// </summary>
    public static double? Score(IEnumerable<Signal> signals, DateTimeOffset at, TimeSpan halfLife, TimeSpan window)
    {
        double sum = 0, weights = 0;
        var oldest = at - window;
        foreach (var s in signals)
        {
            if (s.ObservedAt > at || s.ObservedAt <= oldest) continue;
            var w = s.Weight * Decay(at - s.ObservedAt, halfLife);
            sum += w * s.Score;
            weights += w;
        }
        if (weights <= 0) return null;
        // Rounding can carry a mean of values in [-1, 1] a hair outside; clamp to keep the contract.
        return Math.Clamp(sum / weights, -1.0, 1.0);
    }
}
