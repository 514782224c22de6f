using System.Globalization;
using Monitor.Probes.Tickets.Sentiment;

namespace Monitor.Bench.Sentiment;

/// <summary>
/// "vader-scores [labelled.tsv] [out.tsv]": the lexicon analyser's score for every text of a labelled set, with the
/// IT-support list (domain.tsv) switched off, for <c>bench/vader-reference/compare.js</c> to set beside a reference
/// VADER implementation. Meant for the Senti4SD TRAIN partition or hand-written sentences, never a measuring set.
/// </summary>
internal static class VaderComparison
{
    public static int Run(string inPath, string outPath)
    {
        var folder = RepositoryData.Find("Monitor.Probes/Tickets/Sentiment/Lexicons")
            ?? throw new DirectoryNotFoundException("Monitor.Probes/Tickets/Sentiment/Lexicons not found");
        using var words = File.OpenText(Path.Combine(folder, "en/words.tsv"));
        using var modifiers = File.OpenText(Path.Combine(folder, "en/modifiers.tsv"));
        using var emoji = File.OpenText(Path.Combine(folder, "emoji.tsv"));
        var lexicon = SentimentLexicon.Parse("en", words, new StringReader(string.Empty), modifiers, emoji);
        var analyser = new LexiconSentimentAnalyser(lexicon);
        using var writer = new StreamWriter(outPath);
        foreach (var text in LabelledSet.Read(inPath))
        {
            var score = analyser.Analyse(text.Text).Score;
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{text.Id}\t{score:0.0000}\t{text.Text}"));
        }
        return 0;
    }
}
