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

/// <summary>
/// The privacy mode's setting values. The sentence that tells a person who sees their answer lives in the pulse's
/// resources, in every language (<c>Mail.WhoSees.*</c>, read through <c>PulseTexts.WhoSees</c>): one source of truth.
/// </summary>
public static class PrivacyNotice
{
    /// <summary>Parses a mode's setting value (case-insensitive); null when it is none of the three.</summary>
    public static PrivacyMode? Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "identified" => PrivacyMode.Identified,
        "pseudonymous" => PrivacyMode.Pseudonymous,
        "anonymous" => PrivacyMode.Anonymous,
        _ => null,
    };
}
