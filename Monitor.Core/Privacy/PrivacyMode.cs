namespace Monitor.Core.Privacy;

/// <summary>How much of an individual the monitor shows outside the IT staff console (<c>Privacy:Mode</c>).</summary>
public enum PrivacyMode
{
    /// <summary>User ids in metrics and logs; staff see individuals in the console.</summary>
    Identified,

    /// <summary>A keyed hash of the user id in metrics and logs; staff still see individuals in the console.</summary>
    Pseudonymous,

    /// <summary>No per-user series, no ids in logs, nobody sees individuals: group figures only.</summary>
    Anonymous,
}

/// <summary>The sentences that tell a person what happens to their answer, one per mode.</summary>
public static class PrivacyNotice
{
    /// <summary>The one sentence of the pulse message's footer that says who sees the answer.</summary>
    public static string WhoSees(PrivacyMode mode) => mode switch
    {
        PrivacyMode.Identified =>
            "Your answer is seen with your name by the IT staff, so that someone can follow up with you in person; " +
            "it is never used to evaluate you or anyone's work.",
        PrivacyMode.Pseudonymous =>
            "Your answer is seen with your name only by the IT staff who can follow up with you; everywhere else it " +
            "carries a code instead of your name, and it is never used to evaluate you or anyone's work.",
        PrivacyMode.Anonymous =>
            "Nobody sees your answer on its own: IT only sees totals of groups of at least five people, " +
            "and it is never used to evaluate you or anyone's work.",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    /// <summary>Parses a mode's setting value (case-insensitive); null when it is none of the three.</summary>
    public static PrivacyMode? Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "identified" => PrivacyMode.Identified,
        "pseudonymous" => PrivacyMode.Pseudonymous,
        "anonymous" => PrivacyMode.Anonymous,
        _ => null,
    };
}
