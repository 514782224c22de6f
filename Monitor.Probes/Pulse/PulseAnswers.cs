namespace Monitor.Probes.Pulse;

/// <summary>One of the five one-click answers: its score, its face and its words.</summary>
public sealed record PulseAnswer(int Value, string Key, double Score, string Face, string Words);

/// <summary>The five answers of every pulse question, from very unhappy (1) to very happy (5).</summary>
public static class PulseAnswers
{
    public static readonly IReadOnlyList<PulseAnswer> All =
    [
        new(1, "very_unhappy", -1.0, "\U0001F621", "Very unhappy"),
        new(2, "unhappy", -0.5, "\U0001F641", "Unhappy"),
        new(3, "neutral", 0.0, "\U0001F610", "Neutral"),
        new(4, "happy", 0.5, "\U0001F642", "Happy"),
        new(5, "very_happy", 1.0, "\U0001F604", "Very happy"),
    ];

    public static PulseAnswer? Find(int value) => value is >= 1 and <= 5 ? All[value - 1] : null;
}
