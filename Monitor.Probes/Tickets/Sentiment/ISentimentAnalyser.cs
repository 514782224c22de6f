namespace Monitor.Probes.Tickets.Sentiment;

/// <summary>
/// Scores how the writer of a text feels: <see cref="SentimentResult.Score"/> in [-1, +1] (0 neutral) and a
/// confidence in [0, 1]. Implementations are per language or per method (lexicon, model).
/// </summary>
public interface ISentimentAnalyser
{
    /// <summary>Scores plain text (already cleaned of markup, quotes and signatures).</summary>
    SentimentResult Analyse(string text);
}

/// <param name="Score">-1 very negative … +1 very positive.</param>
/// <param name="Confidence">
/// 0 when nothing in the text carried sentiment or the analyser's verdict is neutral (callers record no signal
/// then), towards 1 the more evidence there was.
/// </param>
public readonly record struct SentimentResult(double Score, double Confidence);
