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
}

/// <summary>
/// The score as signals arrive in observation order: after each, the decayed weighted mean of those seen so
/// far, as at the newest one's time. Weights are kept relative to the first signal: every weight decays at
/// the same rate, so the common factor cancels in the mean and one pass is enough.
/// </summary>
public struct DecayedMean(TimeSpan halfLife)
{
    private DateTimeOffset? _origin;
    private double _sum;
    private double _weights;

    public void Add(Signal signal)
    {
        _origin ??= signal.ObservedAt;
        var weight = signal.Weight / Scoring.Decay(signal.ObservedAt - _origin.Value, halfLife);
        _sum += weight * signal.Score;
        _weights += weight;
    }

    /// <summary>The mean in [-1, +1] (rounding can carry it a hair outside: clamped), or null before any signal.</summary>
    public readonly double? Value => _weights > 0 ? Math.Clamp(_sum / _weights, -1.0, 1.0) : null;
}
