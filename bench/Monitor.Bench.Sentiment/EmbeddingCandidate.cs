using System.Globalization;
using Monitor.Probes.Tickets.Sentiment;

namespace Monitor.Bench.Sentiment;

/// <summary>The bench rows of the static-embedding attempt: the candidate (model + head) and the head alone.</summary>
internal static class EmbeddingCandidate
{
    public static IEnumerable<(string Name, ISentimentAnalyser Analyser)> Load(string? folder)
    {
        if (folder is null) yield break;
        var tablePath = Path.Combine(folder, "minilm-l6-static.bin");
        var headPath = Path.Combine(folder, "head.tsv");
        if (!File.Exists(tablePath) || !File.Exists(headPath)) yield break;
        var lines = File.ReadLines(headPath).Where(l => l.Length > 0 && l[0] != '#').ToArray();
        double Value(string key) => double.Parse(lines.First(l => l.StartsWith(key + "\t", StringComparison.Ordinal)).Split('\t')[1],
            CultureInfo.InvariantCulture);
        using var stream = File.OpenRead(tablePath);
        var table = StaticVectors.Read(stream, (int)Value("dims"));
        var head = EmbeddingHead.Read(lines.Where(l => l.StartsWith("class\t", StringComparison.Ordinal)));
        var lexicon = new LexiconSentimentAnalyser(LexiconResources.Load("en"));
        yield return ("lexicon + model + static embeddings (candidate)",
            new EmbeddingHybridAnalyser(lexicon, LexiconResources.LoadModel("en"), table, head, Value("w"), Value("mix"), Value("band")));
        yield return ("static embeddings head alone (information)",
            new EmbeddingHybridAnalyser(lexicon, null, table, head, 1, 1, Value("band")));
    }
}
