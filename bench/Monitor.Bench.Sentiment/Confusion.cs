namespace Monitor.Bench.Sentiment;

/// <summary>
/// Three-class confusion matrix (negative, neutral, positive) of an analyser against human labels, with
/// the figures the Senti4SD README asks for: per-class F1, their unweighted (macro) mean, Cohen's kappa.
/// </summary>
internal sealed class Confusion
{
    // _counts[truth + 1, predicted + 1]
    private readonly int[,] _counts = new int[3, 3];

    public int Total { get; private set; }

    /// <summary>Classes a score with ±<paramref name="threshold"/>: at or above positive, at or below negative.</summary>
    public static int Class(double score, double threshold) => score >= threshold ? 1 : score <= -threshold ? -1 : 0;

    public void Add(int truth, int predicted)
    {
        _counts[truth + 1, predicted + 1]++;
        Total++;
    }

    public int Count(int truth, int predicted) => _counts[truth + 1, predicted + 1];

    public double F1(int c)
    {
        int tp = Count(c, c), predicted = 0, actual = 0;
        for (var other = -1; other <= 1; other++)
        {
            predicted += Count(other, c);
            actual += Count(c, other);
        }
        return tp == 0 ? 0 : 2.0 * tp / (predicted + actual);
    }

    public double MacroF1 => (F1(-1) + F1(0) + F1(1)) / 3;

    /// <summary>Agreement beyond what the two sides' class frequencies would give by chance.</summary>
    public double Kappa
    {
        get
        {
            double observed = 0, chance = 0;
            for (var c = -1; c <= 1; c++)
            {
                observed += Count(c, c);
                double truthShare = 0, predictedShare = 0;
                for (var other = -1; other <= 1; other++)
                {
                    truthShare += Count(c, other);
                    predictedShare += Count(other, c);
                }
                chance += truthShare / Total * (predictedShare / Total);
            }
            observed /= Total;
            return (observed - chance) / (1 - chance);
        }
    }

    /// <summary>Share of the texts people labelled neutral that the analyser scored negative: each can page for nothing.</summary>
    public double NeutralAsNegative => (double)Count(0, -1) / (Count(0, -1) + Count(0, 0) + Count(0, 1));
}
