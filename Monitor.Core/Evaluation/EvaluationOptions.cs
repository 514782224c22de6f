using Monitor.Core.Signals;

namespace Monitor.Core.Evaluation;

/// <summary>How signals become a score and a state. Bound from the <c>Evaluation</c> section.</summary>
public sealed class EvaluationOptions
{
    public const string Section = "Evaluation";

    /// <summary>How often the evaluator runs.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A signal's weight halves every half-life.</summary>
    public TimeSpan HalfLife { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Signals older than this are ignored.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromDays(90);

    /// <summary>A user with no signal showing presence inside this window is <c>unknown</c>.</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromDays(30);

    public ThresholdOptions Thresholds { get; set; } = new();

    /// <summary>
    /// How many consecutive signal events must hold the down condition before a soft move becomes down
    /// (like max_check_attempts). Until then the user shows as degraded (at risk).
    /// </summary>
    public int SoftAttempts { get; set; } = 2;

    public HardSignalOptions HardSignal { get; set; } = new();

    public FlappingOptions Flapping { get; set; } = new();

    /// <summary>The longest <see cref="HalfLife"/>: beyond ten years a signal never loses weight (and Retention:Signals is at most that).</summary>
    public static readonly TimeSpan MaxHalfLife = TimeSpan.FromDays(3650);

    /// <summary>How many half-lives <see cref="Window"/> may span at most.</summary>
    public const int MaxHalfLivesPerWindow = 500;

    /// <summary>
    /// Every problem with these options, each naming its configuration key. <paramref name="elementKey"/> names a list's
    /// element as configured (list key, index); without it, by the index.
    /// </summary>
    public IEnumerable<string> Validate(Func<string, int, string>? elementKey = null)
    {
        const string s = Section;
        elementKey ??= (list, i) => $"{list}:{i}";
        if (Interval < TimeSpan.FromSeconds(1) || Interval > TimeSpan.FromHours(24))
            yield return $"{s}:{nameof(Interval)} must be between 00:00:01 and 1.00:00:00 (got {Interval}).";
        if (HalfLife <= TimeSpan.Zero || HalfLife > MaxHalfLife)
            yield return $"{s}:{nameof(HalfLife)} must be positive and at most {MaxHalfLife} (got {HalfLife}).";
        // The mean weighs signals relative to the oldest one in the window (2^(age / half-life)): over more than about 1,000
        // half-lives that is infinite and the score NaN (a half-life of an hour over 90 days). 500 leaves room for the sums.
        else if (Window > TimeSpan.Zero && HalfLife < Window / MaxHalfLivesPerWindow)
            yield return $"{s}:{nameof(HalfLife)} must be at least {s}:{nameof(Window)} / {MaxHalfLivesPerWindow} " +
                         $"({Window / MaxHalfLivesPerWindow}; got {HalfLife}), or the score of old and new signals overflows.";
        if (Window <= TimeSpan.Zero)
            yield return $"{s}:{nameof(Window)} must be positive (got {Window}).";
        if (StaleAfter <= TimeSpan.Zero || StaleAfter > Window)
            yield return $"{s}:{nameof(StaleAfter)} must be positive and not longer than {s}:{nameof(Window)} (got {StaleAfter}).";
        if (SoftAttempts is < 1 or > 20)
            yield return $"{s}:{nameof(SoftAttempts)} must be between 1 and 20 (got {SoftAttempts}).";
        foreach (var e in Thresholds.Validate($"{s}:{nameof(Thresholds)}")) yield return e;
        foreach (var e in HardSignal.Validate($"{s}:{nameof(HardSignal)}", elementKey)) yield return e;
        foreach (var e in Flapping.Validate($"{s}:{nameof(Flapping)}")) yield return e;
    }
}

/// <summary>
/// Score thresholds with hysteresis: a user enters a worse state below one score and leaves it only at
/// or above a higher one.
/// </summary>
public sealed class ThresholdOptions
{
    /// <summary>Below this score the user goes down.</summary>
    public double DownBelow { get; set; } = -0.4;

    /// <summary>A down user leaves down only at or above this score.</summary>
    public double DownRecoverAt { get; set; } = -0.2;

    /// <summary>Below this score an up user becomes degraded.</summary>
    public double DegradedBelow { get; set; } = 0.0;

    /// <summary>A degraded or down user is up again only at or above this score.</summary>
    public double UpRecoverAt { get; set; } = 0.2;

    internal IEnumerable<string> Validate(string key)
    {
        double[] ordered = [-1, DownBelow, DownRecoverAt, DegradedBelow, UpRecoverAt, 1];
        for (var i = 1; i < ordered.Length; i++)
        {
            if (double.IsNaN(ordered[i]) || ordered[i] < ordered[i - 1])
            {
                yield return $"{key} must satisfy -1 <= DownBelow <= DownRecoverAt <= DegradedBelow <= UpRecoverAt <= 1 " +
                             $"(got {DownBelow}, {DownRecoverAt}, {DegradedBelow}, {UpRecoverAt}).";
                yield break;
            }
        }
        if (DownRecoverAt <= DownBelow)
            yield return $"{key}:{nameof(DownRecoverAt)} must be above {key}:{nameof(DownBelow)}, or down would flap on every signal.";
    }
}

/// <summary>
/// Which signals are hard: like a link-down trap they make the user down at once, whatever the score.
/// </summary>
public sealed class HardSignalOptions
{
    /// <summary>The defaults of <see cref="Kinds"/>.</summary>
    public static IReadOnlyList<string> DefaultKinds { get; } = [SignalKinds.PulseAnswer, SignalKinds.TicketCsat, SignalKinds.Touchpoint];

    /// <summary>
    /// The hard kinds; empty means <see cref="DefaultKinds"/>. (Empty rather than pre-filled, because the
    /// configuration binder appends to an array's initial items: an operator could never remove a default.)
    /// </summary>
    public string[] Kinds { get; set; } = [];

    public IReadOnlyList<string> EffectiveKinds => Kinds.Length > 0 ? Kinds : DefaultKinds;

    /// <summary>A signal of one of <see cref="EffectiveKinds"/> at or below this score is hard.</summary>
    public double AtOrBelow { get; set; } = -0.75;

    public bool IsHard(Signal signal) => signal.Score <= AtOrBelow && EffectiveKinds.Contains(signal.Kind);

    internal IEnumerable<string> Validate(string key, Func<string, int, string> elementKey)
    {
        if (AtOrBelow is < -1 or > 0 || double.IsNaN(AtOrBelow))
            yield return $"{key}:{nameof(AtOrBelow)} must be between -1 and 0 (got {AtOrBelow}).";
        for (var i = 0; i < Kinds.Length; i++)
        {
            if (!SignalKinds.IsValid(Kinds[i]))
                yield return $"{elementKey($"{key}:{nameof(Kinds)}", i)} is '{Kinds[i]}', which is not a signal kind.";
        }
    }
}

/// <summary>Flap detection the way Icinga does it: weighted share of state changes in the last 20 results.</summary>
public sealed class FlappingOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>A user becomes flapping when the weighted share of changes reaches this percentage.</summary>
    public double HighPercent { get; set; } = 30;

    /// <summary>A flapping user calms down when the share falls below this percentage.</summary>
    public double LowPercent { get; set; } = 25;

    internal IEnumerable<string> Validate(string key)
    {
        // Written as what is allowed, so that NaN (which every comparison rejects) is refused too.
        if (LowPercent is not (> 0 and <= 100) || HighPercent is not (> 0 and <= 100) || LowPercent > HighPercent)
            yield return $"{key} must satisfy 0 < LowPercent <= HighPercent <= 100 (got {LowPercent}, {HighPercent}).";
    }
}
