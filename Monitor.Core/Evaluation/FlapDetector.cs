namespace Monitor.Core.Evaluation;

/// <summary>
/// Icinga's flap detection: the last 20 results, each marked changed or not, weighted linearly from
/// 0.8 (oldest) to 1.15 (newest); flapping starts at the high threshold and ends below the low one.
/// </summary>
public sealed class FlapDetector(FlappingOptions options)
{
    public const int Slots = 20;
    private const double OldestWeight = 0.8, NewestWeight = 1.15;
    private static readonly double TotalWeight = Enumerable.Range(0, Slots).Sum(WeightOf);

    private uint _changes; // bit i set: the result i places back changed the state

    public bool Flapping { get; private set; }

    /// <summary>The weighted share of changed results, in percent.</summary>
    public double Percent
    {
        get
        {
            double sum = 0;
            for (var age = 0; age < Slots; age++)
            {
                if ((_changes & (1u << age)) != 0) sum += WeightOf(Slots - 1 - age);
            }
            return 100.0 * sum / TotalWeight;
        }
    }

    public void Record(bool changed)
    {
        _changes = ((_changes << 1) | (changed ? 1u : 0u)) & ((1u << Slots) - 1);
        if (!options.Enabled) return;
        var percent = Percent;
        if (!Flapping && percent >= options.HighPercent) Flapping = true;
        else if (Flapping && percent < options.LowPercent) Flapping = false;
    }

    // Position 0 is the oldest slot, Slots - 1 the newest.
    private static double WeightOf(int position) =>
        OldestWeight + (NewestWeight - OldestWeight) * position / (Slots - 1);
}
