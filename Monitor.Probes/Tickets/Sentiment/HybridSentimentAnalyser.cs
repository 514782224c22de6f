namespace Monitor.Probes.Tickets.Sentiment;

/// <summary>
/// The lexicon and a <see cref="LinearSentimentModel"/> trained on software text together: the model decides
/// whether a text is negative, neutral or positive (it has learnt that "crash" or "kill the process" in a
/// technical text is matter-of-fact), the lexicon contributes how strongly. A neutral verdict has confidence
/// 0, so the ticket probe records no signal for it; a polar verdict's confidence is the model's probability.
/// </summary>
public sealed class HybridSentimentAnalyser : ISentimentAnalyser
{
    // The model reads at most this much of a text: a verdict is clear long before, and the cost stays bounded.
    private const int MaxModelChars = 4096;

    private readonly LexiconSentimentAnalyser _lexicon;
    private readonly LinearSentimentModel _model;

    /// <summary>Combines <paramref name="lexicon"/> with <paramref name="model"/>.</summary>
    public HybridSentimentAnalyser(LexiconSentimentAnalyser lexicon, LinearSentimentModel model)
    {
        ArgumentNullException.ThrowIfNull(lexicon);
        ArgumentNullException.ThrowIfNull(model);
        _lexicon = lexicon;
        _model = model;
    }

    /// <inheritdoc />
    public SentimentResult Analyse(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return default;
        }
        var lexicon = _lexicon.Analyse(text);
        Span<double> p = stackalloc double[3];
        _model.Probabilities(text.AsSpan(0, Math.Min(text.Length, MaxModelChars)), lexicon, p, out var coverage);
        var verdict = Verdict(p, _model.Band, _model.NegativeBand);
        // Where the model knows few of the text's words (text unlike its training data) the lexicon weighs more.
        var score = Score(p, lexicon.Score, verdict, _model.MixFor(coverage));
        // A neutral verdict keeps its graded score, so that correlation with people's ratings can be measured,
        // but has no confidence.
        return new SentimentResult(score, verdict == 0 ? 0 : p[verdict + 1]);
    }

    /// <summary>
    /// The graded score: <paramref name="mix"/> × the model's expected label (P(positive) − P(negative)) plus
    /// (1 − <paramref name="mix"/>) × the lexicon's score. Where that blend contradicts a polar verdict the lexicon
    /// has no say and the expected label alone is the score (it always has the verdict's sign), so that the sign
    /// of a confident result is the verdict. The trainer chooses the mix on the training data (docs/sentiment.md).
    /// </summary>
    public static double Score(ReadOnlySpan<double> p, double lexiconScore, int verdict, double mix)
    {
        var expected = p[2] - p[0];
        var blend = Math.Clamp(mix * expected + (1 - mix) * lexiconScore, -1, 1);
        return verdict != 0 && verdict * blend <= 0 ? expected : blend;
    }

    /// <summary>-1, 0 or 1: the likeliest class, but neutral unless a polar one reaches <paramref name="band"/>.</summary>
    public static int Verdict(ReadOnlySpan<double> p, double band) => Verdict(p, band, band);

    /// <summary>
    /// -1, 0 or 1: the likeliest class, but neutral unless a positive one reaches <paramref name="band"/> or a negative
    /// one <paramref name="negativeBand"/>.
    /// </summary>
    public static int Verdict(ReadOnlySpan<double> p, double band, double negativeBand)
    {
        var best = p[0] > p[1] && p[0] >= p[2] ? -1 : p[2] > p[1] && p[2] > p[0] ? 1 : 0;
        return best != 0 && p[best + 1] >= (best < 0 ? negativeBand : band) ? best : 0;
    }
}
