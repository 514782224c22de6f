using Monitor.Probes.Tickets.Sentiment;

namespace Monitor.Tests.Sentiment;

/// <summary>The shipped English lexicon analyser alone (no model), shared by the lexicon rule tests.</summary>
internal static class EnglishLexicon
{
    public static LexiconSentimentAnalyser Analyser { get; } = new(LexiconResources.Load("en"));

    public static double Score(string text) => Analyser.Analyse(text).Score;
}
