using static Monitor.Probes.Tickets.Sentiment.SentimentWeights;

namespace Monitor.Probes.Tickets.Sentiment;

/// <summary>Sums valences with the "but" weighting, and the evidence for the confidence.</summary>
internal struct Tally
{
    private double _beforeContrast;
    private double _afterContrast;
    private bool _contrasted;
    private double _positive;
    private double _negative;

    public void Add(float valence)
    {
        if (_contrasted)
        {
            _afterContrast += valence;
        }
        else
        {
            _beforeContrast += valence;
        }
        if (valence > 0)
        {
            _positive += valence;
        }
        else
        {
            _negative -= valence;
        }
    }

    /// <summary>
    /// A "but": everything said so far in the text weighs less than what follows, across sentence breaks as in
    /// VADER ("It worked yesterday. But now it is broken."). With several, the latest one is the pivot.
    /// </summary>
    public void Contrast()
    {
        _beforeContrast += _afterContrast;
        _afterContrast = 0;
        _contrasted = true;
    }

    public readonly SentimentResult Result(TextShape shape)
    {
        var evidence = _positive + _negative;
        var sum = _contrasted
            ? BeforeContrastWeight * _beforeContrast + AfterContrastWeight * _afterContrast
            : _beforeContrast;
        if (evidence == 0 || sum == 0)
        {
            return new SentimentResult(0, evidence == 0 ? 0 : Confidence(evidence, 0));
        }
        var emphasis = Math.Min(shape.Exclamations, MaxExclamations) * ExclamationEmphasis
            + (shape.Questions > 1 ? (shape.Questions <= 3 ? shape.Questions * QuestionEmphasis : ManyQuestionsEmphasis) : 0);
        var total = sum + Math.CopySign(emphasis, sum);
        var score = Math.Clamp(total / Math.Sqrt(total * total + Alpha), -1, 1);
        return new SentimentResult(score, Confidence(evidence, Math.Abs(_positive - _negative) / evidence));
    }

    // More sentiment-bearing evidence gives more confidence; evidence that pulls both ways gives less.
    private static double Confidence(double evidence, double agreement) =>
        (1 - Math.Exp(-evidence / EvidenceScale)) * (0.5 + 0.5 * agreement);
}
