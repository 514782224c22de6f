using System.Diagnostics;
using System.Globalization;
using Monitor.Bench.Sentiment;
using Monitor.Probes.Tickets.Sentiment;

// Usage: Monitor.Bench.Sentiment [folder or *_GroundTruth.txt files] [--seconds N]
// Without a path it reads the repository's bench/data/sentiment (see its README).
// Prints, per data set, Pearson r and three-class macro F1 against the human mean rating beside the
// figures the VADER paper reports, and single-thread throughput.
var seconds = 5.0;
var paths = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--seconds" && i + 1 < args.Length)
    {
        seconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
    }
    else
    {
        paths.AddRange(GroundTruthFiles(args[i]));
    }
}
if (paths.Count == 0 && RepositoryData.Find("bench/data/sentiment") is { } folder)
{
    paths.AddRange(GroundTruthFiles(folder));
}
if (paths.Count == 0)
{
    Console.Error.WriteLine("usage: Monitor.Bench.Sentiment [folder-or-files] [--seconds N]");
    Console.Error.WriteLine("(without a path it reads bench/data/sentiment of the repository it runs in; none was found)");
    return 2;
}

var analyser = SentimentAnalysers.ForLanguage("en");
Console.WriteLine("| set | records | r | VADER paper r | 3-class macro F1 | weighted F1 | VADER paper F1 | comments/s (1 thread) |");
Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
foreach (var path in paths)
{
    var set = GroundTruth.Read(path);
    var scores = set.Select(r => analyser.Analyse(r.Text).Score).ToArray();
    var human = set.Select(r => r.Rating / 4).ToArray();
    var r = Metrics.Pearson(scores, human);
    var f1 = Metrics.MacroF1(scores, human, 0.05);
    var weightedF1 = Metrics.WeightedF1(scores, human, 0.05);
    var rate = Throughput(analyser, set.Select(x => x.Text).ToArray(), seconds);
    var (paperR, paperF1) = Path.GetFileName(path) switch
    {
        var n when n.StartsWith("movie", StringComparison.OrdinalIgnoreCase) => ("0.451", "0.61"),
        var n when n.StartsWith("amazon", StringComparison.OrdinalIgnoreCase) => ("0.565", "0.63"),
        _ => ("–", "–"),
    };
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {Path.GetFileName(path)} | {set.Count} | {r:0.000} | {paperR} | {f1:0.00} | {weightedF1:0.00} | {paperF1} | {rate:N0} |"));
}
return 0;

static IEnumerable<string> GroundTruthFiles(string path) =>
    Directory.Exists(path) ? Directory.GetFiles(path, "*_GroundTruth.txt").Order(StringComparer.Ordinal) : [path];

static double Throughput(ISentimentAnalyser analyser, string[] texts, double seconds)
{
    // Warm up so that tiered compilation has produced the optimised code before timing.
    var sink = 0.0;
    var warm = Stopwatch.StartNew();
    while (warm.Elapsed.TotalSeconds < Math.Min(2, seconds / 2))
    {
        foreach (var t in texts)
        {
            sink += analyser.Analyse(t).Score;
        }
    }
    long done = 0;
    var watch = Stopwatch.StartNew();
    while (watch.Elapsed.TotalSeconds < seconds)
    {
        foreach (var t in texts)
        {
            sink += analyser.Analyse(t).Score;
        }
        done += texts.Length;
    }
    watch.Stop();
    GC.KeepAlive(sink);
    return done / watch.Elapsed.TotalSeconds;
}
