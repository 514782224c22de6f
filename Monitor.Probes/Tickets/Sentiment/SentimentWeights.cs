namespace Monitor.Probes.Tickets.Sentiment;

/// <summary>The weights of the scoring rules.</summary>
internal static class SentimentWeights
{
    // Rule weights are the empirically derived ones the VADER paper reports; they do not depend on language.
    public const float CapsEmphasis = 0.733f;
    public const float NegationFactor = -0.74f;
    public const int NegationScope = 3;
    public const float BeforeContrastWeight = 0.5f;
    public const float AfterContrastWeight = 1.5f;
    public const float ExclamationEmphasis = 0.292f;
    public const int MaxExclamations = 4;
    public const float QuestionEmphasis = 0.18f;
    public const float ManyQuestionsEmphasis = 0.96f;
    public const double Alpha = 15;
    // Confidence reaches about 0.63 when the absolute valences add up to this much (two clear words).
    public const double EvidenceScale = 4;
}
