using System.Globalization;
using Monitor.Bench.Sentiment;
using Monitor.Probes.Tickets.Sentiment;

// Usage: Monitor.Bench.Sentiment [folders or files] [--seconds N]
// Without a path it reads the repository's bench/data/sentiment (VADER ground truth) and the test
// partition of bench/data/sentiment-se (Senti4SD); see the README of each. A folder contributes its
// *_GroundTruth.txt files and its *-test.tsv files (never a training partition); a file ending in .tsv
// is read as a labelled set (id, -1|0|1, text), any other file as VADER ground truth.
// Prints Pearson r and three-class F1 against the human ratings beside the figures the VADER paper
// reports, macro-F1, per-class F1 and Cohen's kappa against the Senti4SD labels, and single-thread
// throughput.
// "train [train.tsv] [model.tsv] [--software-only]" fits the model on the TRAIN partition and the review sentences of
// bench/data/reviews-uci (docs/sentiment.md; --software-only: the TRAIN partition alone, the model shipped before) and
// writes the embedded model file.
// "embedding-train [table.bin] [train.tsv] [head.tsv]" makes the static-embedding attempt's choices on the TRAIN
// partition (docs/sentiment.md); with bench/data/static-vectors filled the benchmark adds that candidate's rows.
// "vader-scores [train.tsv] [out.tsv]" writes the lexicon's scores with the IT list off for bench/vader-reference.
if (args.Length > 0 && args[0] == "train")
{
    var data = RepositoryData.Find("bench/data/sentiment-se") ?? ".";
    var withReviews = !args.Contains("--software-only");
    var positional = args.Skip(1).Where(a => a != "--software-only").ToArray();
    var trainPath = positional.Length > 0 ? positional[0] : Path.Combine(data, "stackoverflow-train.tsv");
    var outPath = positional.Length > 1 ? positional[1]
        : Path.GetFullPath(Path.Combine(data, "../../../Monitor.Probes/Tickets/Sentiment/Lexicons/en/model.tsv"));
    List<Labelled>? reviews = null;
    if (withReviews)
    {
        var measuring = new List<string>();
        if (RepositoryData.Find("bench/data/sentiment") is { } vader)
        {
            measuring.AddRange(Directory.GetFiles(vader, "*_GroundTruth.txt").Order(StringComparer.Ordinal));
        }
        measuring.AddRange(Directory.GetFiles(data, "*-test.tsv").Order(StringComparer.Ordinal));
        var excluded = ReviewSentences.ExcludedTexts(trainPath, measuring);
        reviews = ReviewSentences.Read(Path.Combine(data, "../reviews-uci"), excluded, out var dropped);
        Console.WriteLine($"review sentences: {reviews.Count} kept, {dropped} dropped (no class, empty, duplicate, " +
            $"or equal to a text of the train partition or of {measuring.Count} measuring sets)");
    }
    return Trainer.Run(trainPath, outPath, reviews);
}
if (args.Length > 0 && args[0] == "embedding-train")
{
    var data = RepositoryData.Find("bench/data/sentiment-se") ?? ".";
    var vectors = Path.GetFullPath(Path.Combine(data, "../static-vectors"));
    return EmbeddingTrainer.Run(args.Length > 1 ? args[1] : Path.Combine(vectors, "minilm-l6-static.bin"),
        args.Length > 2 ? args[2] : Path.Combine(data, "stackoverflow-train.tsv"),
        args.Length > 3 ? args[3] : Path.Combine(vectors, "head.tsv"));
}
if (args.Length > 0 && args[0] == "vader-scores")
{
    var data = RepositoryData.Find("bench/data/sentiment-se") ?? ".";
    return VaderComparison.Run(args.Length > 1 ? args[1] : Path.Combine(data, "stackoverflow-train.tsv"),
        args.Length > 2 ? args[2] : "vader-scores.tsv");
}
var seconds = 5.0;
var rated = new List<string>();
var labelled = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--seconds" && i + 1 < args.Length)
    {
        seconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
    }
    else
    {
        Add(args[i]);
    }
}
if (rated.Count + labelled.Count == 0)
{
    if (RepositoryData.Find("bench/data/sentiment") is { } vader) Add(vader);
    if (RepositoryData.Find("bench/data/sentiment-se") is { } software) Add(software);
}
if (rated.Count + labelled.Count == 0)
{
    Console.Error.WriteLine("usage: Monitor.Bench.Sentiment [folders-or-files] [--seconds N]");
    Console.Error.WriteLine("(without a path it reads bench/data of the repository it runs in; none was found)");
    return 2;
}

List<(string Name, ISentimentAnalyser Analyser)> analysers =
[
    ("lexicon", new LexiconSentimentAnalyser(LexiconResources.Load("en"))),
    ("lexicon + model (default)", SentimentAnalysers.ForLanguage("en")),
];
// The static-embedding attempt (docs/sentiment.md), when its table and head have been made in bench/data/static-vectors.
analysers.AddRange(EmbeddingCandidate.Load(RepositoryData.Find("bench/data/static-vectors")));
if (rated.Count > 0)
{
    Console.WriteLine("| analyser | set | records | r | VADER paper r | 3-class macro F1 | weighted F1 | VADER paper F1 "
        + "| comments per CPU-second |");
    Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
}
foreach (var (name, analyser) in analysers)
foreach (var path in rated)
{
    var set = GroundTruth.Read(path);
    var scores = set.Select(r => analyser.Analyse(r.Text).Score).ToArray();
    var human = set.Select(r => r.Rating / 4).ToArray();
    var r = Metrics.Pearson(scores, human);
    var f1 = Metrics.MacroF1(scores, human, 0.05);
    var weightedF1 = Metrics.WeightedF1(scores, human, 0.05);
    var rate = Throughput.Measure(analyser, set.Select(x => x.Text).ToArray(), seconds);
    var (paperR, paperF1) = Path.GetFileName(path) switch
    {
        var n when n.StartsWith("movie", StringComparison.OrdinalIgnoreCase) => ("0.451", "0.61"),
        var n when n.StartsWith("amazon", StringComparison.OrdinalIgnoreCase) => ("0.565", "0.63"),
        _ => ("–", "–"),
    };
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {Path.GetFileName(path)} | {set.Count} | {r:0.000} | {paperR} | {f1:0.00} | {weightedF1:0.00} " +
        $"| {paperF1} | {rate:N0} |"));
}
if (labelled.Count > 0)
{
    SoftwareTextReport.Print(analysers, labelled, seconds);
}
return 0;

void Add(string path)
{
    if (Directory.Exists(path))
    {
        rated.AddRange(Directory.GetFiles(path, "*_GroundTruth.txt").Order(StringComparer.Ordinal));
        labelled.AddRange(Directory.GetFiles(path, "*-test.tsv").Order(StringComparer.Ordinal));
    }
    else if (path.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase))
    {
        labelled.Add(path);
    }
    else
    {
        rated.Add(path);
    }
}
