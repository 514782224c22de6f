using System.Globalization;
using Monitor.Probes.Tickets.Sentiment;

namespace Monitor.Bench.Sentiment;

/// <summary>
/// The Senti4SD table: the analyser's verdict against the human label, as bench/data/sentiment-se/README.md asks.
/// The lexicon has no neutral band of its own, so its score is classed with ±0.05; the default analyser
/// (lexicon + model) defines its own: confidence 0 is neutral, otherwise the sign of the score.
/// </summary>
internal static class SoftwareTextReport
{
    public const double Threshold = 0.05;

    public static void Print(
        IReadOnlyList<(string Name, ISentimentAnalyser Analyser)> analysers, IReadOnlyList<string> paths, double seconds)
    {
        Console.WriteLine();
        Console.WriteLine("| analyser | set | texts | macro-F1 | F1 negative | F1 neutral | F1 positive | Cohen's kappa " +
            "| neutral scored negative | r | comments per CPU-second |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        var confusions = new List<(string Name, Confusion Matrix)>();
        foreach (var (label, analyser) in analysers)
        {
            var all = new List<Labelled>();
            foreach (var path in paths)
            {
                var set = LabelledSet.Read(path);
                all.AddRange(set);
                var name = $"{label} | {Path.GetFileName(path)}";
                confusions.Add((name, Row(analyser, name, set, seconds)));
            }
            if (paths.Count > 1)
            {
                var name = $"{label} | all of the above";
                confusions.Add((name, Row(analyser, name, all, seconds)));
            }
        }
        Console.WriteLine();
        Console.WriteLine("Confusion (rows: human -1 / 0 / 1; columns: analyser -1 / 0 / 1):");
        foreach (var (name, m) in confusions)
        {
            var rows = Enumerable.Range(-1, 3).Select(t => string.Join(' ', Enumerable.Range(-1, 3).Select(p => m.Count(t, p))));
            Console.WriteLine($"- {name}: [{string.Join("; ", rows)}]");
        }
    }

    /// <summary>-1, 0 or 1 for a text: the analyser's own verdict where it has one, else the score at ±0.05.</summary>
    public static int Verdict(ISentimentAnalyser analyser, string text)
    {
        var result = analyser.Analyse(text);
        return analyser is HybridSentimentAnalyser or EmbeddingHybridAnalyser
            ? (result.Confidence > 0 ? Math.Sign(result.Score) : 0)
            : Confusion.Class(result.Score, Threshold);
    }

    private static Confusion Row(ISentimentAnalyser analyser, string name, List<Labelled> set, double seconds)
    {
        var m = new Confusion();
        foreach (var item in set)
        {
            m.Add(item.Label, Verdict(analyser, item.Text));
        }
        // r: the graded score against the label (-1, 0, 1), the criterion the trainer chose the mix by on train.
        var r = Metrics.Pearson(set.Select(x => analyser.Analyse(x.Text).Score).ToArray(), set.Select(x => (double)x.Label).ToArray());
        var rate = Throughput.Measure(analyser, set.Select(x => x.Text).ToArray(), seconds);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {m.Total} | {m.MacroF1:0.000} | {m.F1(-1):0.000} | {m.F1(0):0.000} | {m.F1(1):0.000} " +
            $"| {m.Kappa:0.000} | {m.NeutralAsNegative:P1} | {r:0.000} | {rate:N0} |"));
        return m;
    }
}
