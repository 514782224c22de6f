using System.Globalization;
using Monitor.Probes.Tickets.Sentiment;

namespace Monitor.Bench.Sentiment;

/// <summary>
/// The Senti4SD table: the analyser's score put into three classes with ±0.05 (the analyser has no neutral
/// band of its own) against the human label, as bench/data/sentiment-se/README.md asks.
/// </summary>
internal static class SoftwareTextReport
{
    public const double Threshold = 0.05;

    public static void Print(ISentimentAnalyser analyser, IReadOnlyList<string> paths, double seconds)
    {
        Console.WriteLine();
        Console.WriteLine("| set | texts | macro-F1 | F1 negative | F1 neutral | F1 positive | Cohen's kappa " +
            "| neutral scored negative | comments/s (1 thread) |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        var all = new List<Labelled>();
        var confusions = new List<(string Name, Confusion Matrix)>();
        foreach (var path in paths)
        {
            var set = LabelledSet.Read(path);
            all.AddRange(set);
            confusions.Add((Path.GetFileName(path), Row(analyser, Path.GetFileName(path), set, seconds)));
        }
        if (paths.Count > 1)
        {
            confusions.Add(("all of the above", Row(analyser, "all of the above", all, seconds)));
        }
        Console.WriteLine();
        Console.WriteLine("Confusion (rows: human -1 / 0 / 1; columns: analyser -1 / 0 / 1):");
        foreach (var (name, m) in confusions)
        {
            var rows = Enumerable.Range(-1, 3).Select(t => string.Join(' ', Enumerable.Range(-1, 3).Select(p => m.Count(t, p))));
            Console.WriteLine($"- {name}: [{string.Join("; ", rows)}]");
        }
    }

    private static Confusion Row(ISentimentAnalyser analyser, string name, List<Labelled> set, double seconds)
    {
        var m = new Confusion();
        foreach (var item in set)
        {
            m.Add(item.Label, Confusion.Class(analyser.Analyse(item.Text).Score, Threshold));
        }
        var rate = Throughput.Measure(analyser, set.Select(x => x.Text).ToArray(), seconds);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {m.Total} | {m.MacroF1:0.000} | {m.F1(-1):0.000} | {m.F1(0):0.000} | {m.F1(1):0.000} " +
            $"| {m.Kappa:0.000} | {m.NeutralAsNegative:P1} | {rate:N0} |"));
        return m;
    }
}
