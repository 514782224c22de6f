using System.Globalization;
using Monitor.Probes.Tickets.Sentiment;

namespace Monitor.Bench.Sentiment;

/// <summary>One training text as features: sparse feature slots (scaled alike), dense lexicon features, label.</summary>
internal sealed record Example(ulong[] Hashes, double Scale, double[] Dense, int Label);

/// <summary>
/// Fits <see cref="LinearSentimentModel"/> on a labelled set (the Senti4SD TRAIN partition only): multinomial
/// logistic regression with L2, AdaGrad, fixed seed. The L2 strength, the feature threshold and the neutral
/// band are chosen by 5-fold cross-validation on the same training set (by out-of-fold macro-F1), then the mix of
/// model and lexicon in the graded score (by out-of-fold Pearson r with the labels); the test partition is never read.
/// </summary>
internal static class Trainer
{
    private const int Epochs = 20;
    private const int Folds = 5;
    private static readonly double[] L2Grid = [1e-5, 3e-5, 1e-4, 3e-4];
    private static readonly int[] MinCountGrid = [1, 2, 3];

    public static int Run(string trainPath, string outPath, IReadOnlyList<Labelled>? reviews = null)
    {
        var lexicon = new LexiconSentimentAnalyser(LexiconResources.Load("en"));
        var software = LabelledSet.Read(trainPath);
        // With review sentences (docs/sentiment.md, "Review sentences in the training data") the model is fitted on
        // the union; the verdict's choices look at the software part only (the first `n` texts), the mix at both.
        var n = software.Count;
        var set = software.Concat(reviews ?? []).ToList();
        var examples = set.Select(x => ToExample(lexicon, x.Text, x.Label)).ToArray();
        var negativeBand = 0.0;
        double? neutralAsNegativeLimit = null;
        if (reviews is { Count: > 0 })
        {
            // The bar for a negative verdict: no more neutral software texts called negative, out of fold, than the
            // model fitted on the software texts alone (its own folds and choices, as `train` without --reviews).
            var alone = CrossValidate(set.Take(n).ToList(), examples[..n], n, lexicon, "software alone");
            neutralAsNegativeLimit = NeutralAsNegative(alone.OutOfFold, examples[..n], alone.Band, alone.Band);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"software alone: neutral called negative out of fold {neutralAsNegativeLimit:P1}"));
            Console.WriteLine($"training texts: {n} software, {reviews.Count} review sentences");
        }
        var best = CrossValidate(set, examples, n, lexicon, "cv");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"chosen: l2={best.L2:0e0} min-count={best.MinCount} band={best.Band:0.00} (cv macro-F1 {best.F1:0.000})"));
        if (neutralAsNegativeLimit is { } limit)
        {
            negativeBand = -1;
            for (var b = best.Band; b <= 0.801; b += 0.02)
            {
                var rate = NeutralAsNegative(best.OutOfFold, examples[..n], best.Band, b);
                var f1 = MacroF1(best.OutOfFold, examples[..n], best.Band, b);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"cv: band-negative={b:0.00} neutral called negative {rate:P1} macro-F1={f1:0.000}"));
                if (rate <= limit + 1e-12)
                {
                    negativeBand = Math.Round(b, 2);
                    break;
                }
            }
            if (negativeBand < 0)
            {
                Console.WriteLine("no negative band meets the limit: no model written");
                return 3;
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"chosen: band-negative={negativeBand:0.00}"));
        }
        var (mix, reference, r) = BestMix(
            best.OutOfFold, best.Coverage, examples, set, lexicon, best.Band, negativeBand > 0 ? negativeBand : best.Band, n);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"chosen: mix={mix:0.00} coverage reference={reference:0.000} (cv Pearson r {r:0.000})"));
        var final = Fit(examples, best.L2, best.MinCount, best.Band, mix, reference, negativeBand);
        using var writer = new StreamWriter(outPath);
        ModelFile.Write(writer, final, (best.L2, best.MinCount, best.Band, best.F1), (mix, reference, r), n,
            examples.Length - n, negativeBand);
        Console.WriteLine($"wrote {outPath}: {final.Model.FeatureCount} features");
        return 0;
    }

    private sealed record CrossValidated(
        double L2, int MinCount, double Band, double F1, double[][] OutOfFold, double[] Coverage);

    // The grid of L2 strength and feature threshold, 5 folds by the hash of the text id; each setting's band by
    // out-of-fold macro-F1 on the first `software` texts; the setting with the best macro-F1 wins.
    private static CrossValidated CrossValidate(
        List<Labelled> set, Example[] examples, int software, LexiconSentimentAnalyser lexicon, string tag)
    {
        var order = Enumerable.Range(0, examples.Length).OrderBy(i => Hash(set[i].Id)).ToArray();
        CrossValidated? best = null;
        foreach (var l2 in L2Grid)
        {
            foreach (var minCount in MinCountGrid)
            {
                var outOfFold = new double[examples.Length][];
                var coverage = new double[examples.Length];
                for (var fold = 0; fold < Folds; fold++)
                {
                    var trainPart = order.Where((_, k) => k % Folds != fold).Select(i => examples[i]).ToArray();
                    var model = Fit(trainPart, l2, minCount, 0);
                    foreach (var i in order.Where((_, k) => k % Folds == fold))
                    {
                        outOfFold[i] = new double[3];
                        model.Model.Probabilities(set[i].Text, lexicon.Analyse(set[i].Text), outOfFold[i], out coverage[i]);
                    }
                }
                var (band, f1) = BestBand(outOfFold[..software], examples[..software]);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{tag}: l2={l2:0e0} min-count={minCount} band={band:0.00} macro-F1={f1:0.000}"));
                if (best is null || f1 > best.F1)
                {
                    best = new CrossValidated(l2, minCount, band, f1, outOfFold, coverage);
                }
            }
        }
        return best!;
    }

    private static Confusion Verdicts(double[][] probabilities, Example[] examples, double band, double negativeBand)
    {
        var m = new Confusion();
        for (var i = 0; i < examples.Length; i++)
        {
            m.Add(examples[i].Label, HybridSentimentAnalyser.Verdict(probabilities[i], band, negativeBand));
        }
        return m;
    }

    private static double NeutralAsNegative(double[][] probabilities, Example[] examples, double band, double negativeBand) =>
        Verdicts(probabilities, examples, band, negativeBand).NeutralAsNegative;

    private static double MacroF1(double[][] probabilities, Example[] examples, double band, double negativeBand) =>
        Verdicts(probabilities, examples, band, negativeBand).MacroF1;

    internal static Example ToExample(LexiconSentimentAnalyser lexicon, string text, int label)
    {
        var buffer = new ulong[SentimentFeatures.Capacity(text.Length)];
        var count = SentimentFeatures.Extract(text, buffer);
        var dense = new double[LinearSentimentModel.DenseCount];
        LinearSentimentModel.DenseFeatures(lexicon.Analyse(text), dense);
        return new Example(buffer[..count], LinearSentimentModel.SparseScale(count), dense, label);
    }

    // Band: the least probability a polar verdict needs; the one with the best out-of-fold macro-F1 wins.
    internal static (double Band, double F1) BestBand(double[][] probabilities, Example[] examples)
    {
        (double Band, double F1) best = (0, -1);
        for (var band = 0.34; band <= 0.801; band += 0.02)
        {
            var f1 = MacroF1(probabilities, examples, band, band);
            if (f1 > best.F1 + 1e-9)
            {
                best = (Math.Round(band, 2), f1);
            }
        }
        return best;
    }

    // Mix: how the model's expected label and the lexicon's score blend into the graded score: a constant mix, or
    // one scaled by the text's coverage (the share of its word features the fold's model knows) either plainly or
    // relative to the mean out-of-fold coverage (LinearSentimentModel.MixFor). The one whose out-of-fold scores
    // correlate best with the train labels wins (the criterion fixed before any measurement); a tie keeps the
    // simpler family. With review sentences after the first `software` texts, the criterion is the mean of the r of
    // each part, so that each kind of text weighs half.
    private static (double Mix, double Reference, double R) BestMix(
        double[][] probabilities, double[] coverage, Example[] examples, IReadOnlyList<Labelled> set,
        LexiconSentimentAnalyser lexicon, double band, double negativeBand, int software)
    {
        var labels = examples.Select(e => (double)e.Label).ToArray();
        var lexiconScores = set.Select(x => lexicon.Analyse(x.Text).Score).ToArray();
        var mean = Math.Round(coverage.Average(), 3);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cv: mean coverage {mean:0.000}"));
        (double Mix, double Reference, double R) best = (0, 0, -2);
        foreach (var reference in new[] { 0, 1, mean })
        {
            for (var step = 0; step <= 20; step++)
            {
                var mix = step / 20.0;
                var scores = new double[examples.Length];
                for (var i = 0; i < examples.Length; i++)
                {
                    var verdict = HybridSentimentAnalyser.Verdict(probabilities[i], band, negativeBand);
                    var m = LinearSentimentModel.MixFor(mix, reference, coverage[i]);
                    scores[i] = HybridSentimentAnalyser.Score(probabilities[i], lexiconScores[i], verdict, m);
                }
                var r = software == examples.Length
                    ? Metrics.Pearson(scores, labels)
                    : (Metrics.Pearson(scores[..software], labels[..software])
                        + Metrics.Pearson(scores[software..], labels[software..])) / 2;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"cv: mix={mix:0.00} coverage reference={reference:0.000} Pearson r={r:0.000}"));
                if (r > best.R + 1e-9)
                {
                    best = (mix, reference, r);
                }
            }
        }
        return best;
    }

    public static FittedModel Fit(
        Example[] examples, double l2, int minCount, double band, double mix = 0, double coverageReference = 0,
        double negativeBand = 0)
    {
        var documentFrequency = new Dictionary<ulong, int>();
        foreach (var e in examples)
        {
            foreach (var h in e.Hashes.Distinct())
            {
                documentFrequency[h] = documentFrequency.GetValueOrDefault(h) + 1;
            }
        }
        var index = new Dictionary<ulong, int>();
        foreach (var (h, df) in documentFrequency)
        {
            if (df >= minCount)
            {
                index[h] = index.Count;
            }
        }
        var dense = LinearSentimentModel.DenseCount;
        // Slots: sparse features, then dense features, then the bias; three weights (classes) each.
        var slots = index.Count + dense + 1;
        var w = new double[3 * slots];
        var g2 = new double[3 * slots];
        var random = new Random(11);
        var order = Enumerable.Range(0, examples.Length).ToArray();
        var x = new List<(int Slot, double Value)>();
        Span<double> z = stackalloc double[3];
        Span<double> p = stackalloc double[3];
        for (var epoch = 0; epoch < Epochs; epoch++)
        {
            random.Shuffle(order);
            foreach (var i in order)
            {
                var e = examples[i];
                x.Clear();
                foreach (var h in e.Hashes)
                {
                    if (index.TryGetValue(h, out var slot))
                    {
                        x.Add((slot, e.Scale));
                    }
                }
                for (var d = 0; d < dense; d++)
                {
                    x.Add((index.Count + d, e.Dense[d]));
                }
                x.Add((slots - 1, 1));
                z.Clear();
                foreach (var (slot, value) in x)
                {
                    for (var k = 0; k < 3; k++)
                    {
                        z[k] += w[3 * slot + k] * value;
                    }
                }
                LinearSentimentModel.Softmax(z, p);
                foreach (var (slot, value) in x)
                {
                    for (var k = 0; k < 3; k++)
                    {
                        var at = 3 * slot + k;
                        var gradient = (p[k] - (e.Label + 1 == k ? 1 : 0)) * value + l2 * w[at];
                        g2[at] += gradient * gradient;
                        w[at] -= 0.5 * gradient / Math.Sqrt(g2[at] + 1e-8);
                    }
                }
            }
        }
        var sparse = new Dictionary<ulong, float[]>(index.Count);
        foreach (var (h, slot) in index)
        {
            var weights = new[] { (float)w[3 * slot], (float)w[3 * slot + 1], (float)w[3 * slot + 2] };
            if (weights.Any(v => Math.Abs(v) >= 1e-3))
            {
                sparse[h] = weights;
            }
        }
        var denseWeights = w.AsSpan(3 * index.Count, 3 * dense).ToArray();
        var bias = w.AsSpan(3 * (slots - 1), 3).ToArray();
        return new FittedModel(new LinearSentimentModel(sparse, bias, denseWeights, band, mix, coverageReference, negativeBand), sparse, bias, denseWeights);
    }

    internal static ulong Hash(string id)
    {
        var h = 14695981039346656037UL;
        foreach (var c in id)
        {
            h = (h ^ c) * 1099511628211UL;
        }
        return h;
    }
}

/// <summary>A fitted model and its raw weights, for writing the model file.</summary>
internal sealed record FittedModel(LinearSentimentModel Model, Dictionary<ulong, float[]> Sparse, double[] Bias, double[] Dense);
