using System.Text.RegularExpressions;

namespace Monitor.Probes.Pulse;

/// <summary>
/// The thank-you page's two optional questions (docs/pulse.md, "Why and time lost"): what the answer was mostly
/// about (a factor from the list for good or for bad answers) and how much work time IT cost lately.
/// </summary>
public sealed record PulseFeedback(string? Factor, string? LostTime)
{
    public bool IsEmpty => Factor is null && LostTime is null;
}

/// <summary>The factor lists, bound from <c>Pulse:Factors</c>; keys become metric label values, so they are short identifiers.</summary>
public sealed partial class FactorOptions
{
    public static readonly string[] DefaultGood = ["speed", "friendliness", "expertise", "communication", "self_service"];
    public static readonly string[] DefaultBad = ["speed", "communication", "expertise", "devices", "network", "applications"];

    /// <summary>Offered after a neutral or happy answer; empty means <see cref="DefaultGood"/>.</summary>
    public string[] Good { get; set; } = [];

    /// <summary>Offered after an unhappy answer (score below 0); empty means <see cref="DefaultBad"/>.</summary>
    public string[] Bad { get; set; } = [];

    /// <summary>Labels of factors the resources do not know, by key and culture (<c>Labels:&lt;key&gt;:&lt;culture&gt;</c>).</summary>
    public Dictionary<string, Dictionary<string, string>> Labels { get; set; } = [];

    public string[] For(double score) => score < 0 ? (Bad.Length > 0 ? Bad : DefaultBad) : (Good.Length > 0 ? Good : DefaultGood);

    public IEnumerable<string> All() => For(0).Union(For(-1));

    [GeneratedRegex("^[a-z][a-z0-9_]{0,39}$")]
    public static partial Regex KeyPattern();
}

/// <summary>The answers to "how much work time did you lose because of IT lately?", in order.</summary>
public static class LostTimes
{
    public static readonly IReadOnlyList<string> All = ["none", "under_hour", "few_hours", "day_or_more"];
}
