using System.Globalization;
using Monitor.Probes.Tickets.Sentiment;

namespace Monitor.Bench.Sentiment;

/// <summary>
/// The static-embedding attempt's choices, all out of fold on the Senti4SD TRAIN partition (docs/sentiment.md,
/// "Static embeddings …"): table dimensions and head L2 by Pearson r of the head's expected label; then the weight w of
/// the head against the default analyser's model together with the graded score's mix, by Pearson r of the graded
/// score (for each w its band is chosen first, by macro-F1, since the graded score follows the verdict). Writes the
/// head file; the test partition and the review sets are never read.
/// </summary>
internal static class EmbeddingTrainer
{
    private const int Folds = 5;
    private static readonly int[] DimsGrid = [32, 64, 128, 256];
    private static readonly double[] L2Grid = [1e-4, 1e-3, 1e-2, 1e-1];

    // The default model's setting as chosen by Trainer on the same folds (docs/sentiment.md): refitted per fold here.
    private const double ModelL2 = 1e-4;
    private const int ModelMinCount = 3;
    private const int MaxChars = 4096;

    public static int Run(string tablePath, string trainPath, string outPath)
    {
        var lexicon = new LexiconSentimentAnalyser(LexiconResources.Load("en"));
        var set = LabelledSet.Read(trainPath);
        var labels = set.Select(x => x.Label).ToArray();
        var target = labels.Select(l => (double)l).ToArray();
        var order = Enumerable.Range(0, set.Count).OrderBy(i => Trainer.Hash(set[i].Id)).ToArray();

        (int Dims, double L2, double R) best = (0, 0, -2);
        double[][] bestHead = [];
        foreach (var dims in DimsGrid)
        {
            var x = Vectors(tablePath, dims, set, out var covered);
            if (dims == DimsGrid[0])
            {
                Console.WriteLine($"texts with at least one token in the table: {covered.Count(c => c)} of {set.Count}");
            }
            foreach (var l2 in L2Grid)
            {
                var outOfFold = OutOfFold(order, (train, held) =>
                {
                    var fitOn = train.Where(i => covered[i]).ToArray();
                    var head = EmbeddingHead.Fit(fitOn.Select(i => x[i]).ToArray(), fitOn.Select(i => labels[i]).ToArray(), l2);
                    // A text without a token in the table gets no probabilities: the analyser leaves it to the model.
                    return held.Select(i => covered[i] ? Probabilities(head, x[i]) : null!).ToArray();
                });
                var r = Metrics.Pearson(outOfFold.Select(p => p is null ? 0 : p[2] - p[0]).ToArray(), target);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cv head: dims={dims} l2={l2:0e0} Pearson r={r:0.000}"));
                if (r > best.R + 1e-9)
                {
                    best = (dims, l2, r);
                    bestHead = outOfFold;
                }
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"chosen head: dims={best.Dims} l2={best.L2:0e0} (cv r {best.R:0.000})"));

        var examples = set.Select(x => Trainer.ToExample(lexicon, x.Text, x.Label)).ToArray();
        var model = OutOfFold(order, (train, held) =>
        {
            var fitted = Trainer.Fit(train.Select(i => examples[i]).ToArray(), ModelL2, ModelMinCount, 0);
            return held.Select(i =>
            {
                var p = new double[3];
                fitted.Model.Probabilities(set[i].Text, lexicon.Analyse(set[i].Text), p);
                return p;
            }).ToArray();
        });
        var lexiconScores = set.Select(x => lexicon.Analyse(x.Text).Score).ToArray();
        var modelAlone = Trainer.BestBand(model, examples);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cv model alone (w=0): band={modelAlone.Band:0.00} macro-F1={modelAlone.F1:0.000}"));

        (double W, double Mix, double Band, double F1, double R) chosen = (0, 0, 0, 0, -2);
        for (var step = 0; step <= 20; step++)
        {
            var w = step / 20.0;
            var blended = model.Select((p, i) => bestHead[i] is null ? p
                : Enumerable.Range(0, 3).Select(k => (1 - w) * p[k] + w * bestHead[i][k]).ToArray()).ToArray();
            var (band, f1) = Trainer.BestBand(blended, examples);
            for (var m = 0; m <= 20; m++)
            {
                var mix = m / 20.0;
                var scores = blended.Select((p, i) =>
                    HybridSentimentAnalyser.Score(p, lexiconScores[i], HybridSentimentAnalyser.Verdict(p, band), mix)).ToArray();
                var r = Metrics.Pearson(scores, target);
                if (r > chosen.R + 1e-9)
                {
                    chosen = (w, mix, band, f1, r);
                }
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"cv blend: w={w:0.00} band={band:0.00} macro-F1={f1:0.000} best r so far={chosen.R:0.000}"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"chosen: w={chosen.W:0.00} mix={chosen.Mix:0.00} band={chosen.Band:0.00} (cv r {chosen.R:0.000}, cv macro-F1 {chosen.F1:0.000})"));

        var all = Vectors(tablePath, best.Dims, set, out var known);
        var used = Enumerable.Range(0, set.Count).Where(i => known[i]).ToArray();
        var final = EmbeddingHead.Fit(used.Select(i => all[i]).ToArray(), used.Select(i => labels[i]).ToArray(), best.L2);
        using var writer = new StreamWriter(outPath);
        writer.WriteLine("# Embedding head over the static table (docs/sentiment.md); fitted on the Senti4SD train partition only.");
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# cv: head r {best.R:0.000}; blend r {chosen.R:0.000}, macro-F1 {chosen.F1:0.000}; {set.Count} texts"));
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"dims\t{best.Dims}"));
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"l2\t{best.L2:R}"));
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"w\t{chosen.W:R}"));
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mix\t{chosen.Mix:R}"));
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"band\t{chosen.Band:R}"));
        final.Write(writer);
        Console.WriteLine($"wrote {outPath}");
        return 0;
    }

    private static double[][] Vectors(string tablePath, int dims, List<Labelled> set, out bool[] covered)
    {
        using var stream = File.OpenRead(tablePath);
        var table = StaticVectors.Read(stream, dims);
        covered = new bool[set.Count];
        var x = new double[set.Count][];
        for (var i = 0; i < set.Count; i++)
        {
            x[i] = new double[table.Dims];
            covered[i] = table.TextVector(set[i].Text.AsSpan(0, Math.Min(set[i].Text.Length, MaxChars)), x[i]) > 0;
        }
        return x;
    }

    private static double[] Probabilities(EmbeddingHead head, double[] vector)
    {
        var p = new double[3];
        head.Probabilities(vector, p);
        return p;
    }

    // The folds and the order of the texts within them are Trainer's (by the hash of the text id), so that the model's
    // out-of-fold probabilities are the very ones its setting was chosen by.
    private static double[][] OutOfFold(int[] order, Func<int[], int[], double[][]> fitAndScore)
    {
        var result = new double[order.Length][];
        for (var fold = 0; fold < Folds; fold++)
        {
            var train = order.Where((_, k) => k % Folds != fold).ToArray();
            var held = order.Where((_, k) => k % Folds == fold).ToArray();
            var scored = fitAndScore(train, held);
            for (var k = 0; k < held.Length; k++) result[held[k]] = scored[k];
        }
        return result;
    }
}
