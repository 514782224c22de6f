namespace Monitor.Bench.Sentiment;

/// <summary>The two agreement figures the VADER paper reports.</summary>
internal static class Metrics
{
    public static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>Macro average of the positive, neutral and negative F1, both sides classed with ±threshold.</summary>
    public static double MacroF1(IReadOnlyList<double> predicted, IReadOnlyList<double> truth, double threshold) =>
        F1(predicted, truth, threshold, weighted: false);

    /// <summary>
    /// The same F1s averaged with weights by each class's share of the human labels (scikit-learn's
    /// "weighted" average), shown beside the macro average because the paper does not say which it used.
    /// </summary>
    public static double WeightedF1(IReadOnlyList<double> predicted, IReadOnlyList<double> truth, double threshold) =>
        F1(predicted, truth, threshold, weighted: true);

    private static double F1(IReadOnlyList<double> predicted, IReadOnlyList<double> truth, double threshold, bool weighted)
    {
        var sum = 0.0;
        for (var c = -1; c <= 1; c++)
        {
            int tp = 0, fp = 0, fn = 0;
            for (var i = 0; i < predicted.Count; i++)
            {
                var p = Class(predicted[i], threshold) == c;
                var t = Class(truth[i], threshold) == c;
                tp += p && t ? 1 : 0;
                fp += p && !t ? 1 : 0;
                fn += !p && t ? 1 : 0;
            }
            var f1 = tp == 0 ? 0 : 2.0 * tp / (2 * tp + fp + fn);
            sum += weighted ? f1 * (tp + fn) / predicted.Count : f1 / 3;
        }
        return sum;
    }

    private static int Class(double value, double threshold) => value >= threshold ? 1 : value <= -threshold ? -1 : 0;
}
