namespace Monitor.Probes.Pulse;

/// <summary>The built-in question sets.</summary>
public static class PulseQuestions
{
    public const string Default = "default";
    public const string Value = "value";

    public static readonly IReadOnlyDictionary<string, string[]> BuiltIn = new Dictionary<string, string[]>
    {
        [Default] = ["How happy are you with IT lately?"],
        [Value] =
        [
            "How much value does IT bring to you?",
            "How much value does IT bring to your team?",
            "How much value does IT bring to the business?",
        ],
    };

    public static string[]? Resolve(string name, IReadOnlyDictionary<string, string[]> configured) =>
        configured.TryGetValue(name, out var q) ? q : BuiltIn.GetValueOrDefault(name);
}
