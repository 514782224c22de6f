namespace Monitor.Core.Signals;

/// <summary>
/// One observation about one user. <see cref="Source"/> is the dedupe key within a kind: the same pulse
/// answer or ticket comment ingested twice is one signal.
/// </summary>
public sealed record Signal(
    string UserId,
    string Kind,
    double Score,
    double Weight,
    DateTimeOffset ObservedAt,
    string Source,
    string? Comment = null)
{
    /// <summary>Checks the invariants every signal must hold; returns the first problem or null.</summary>
    public string? Validate()
    {
        if (string.IsNullOrWhiteSpace(UserId)) return "user is required";
        if (!SignalKinds.IsValid(Kind)) return $"kind '{Kind}' is not a signal kind (lower-case letters, digits and '_')";
        if (double.IsNaN(Score) || Score < -1 || Score > 1) return $"score {Score} is outside [-1, +1]";
        if (double.IsNaN(Weight) || Weight <= 0 || Weight > 100) return $"weight {Weight} must be in (0, 100]";
        if (string.IsNullOrWhiteSpace(Source)) return "source is required";
        if (Source.Length > 400) return "source is longer than 400 characters";
        if (Comment is { Length: > 4000 }) return "comment is longer than 4000 characters";
        // PostgreSQL's text cannot hold U+0000: stored, such a signal failed its whole batch there (a 500, a stuck probe).
        if (Source.Contains('\0') || Comment?.Contains('\0') == true) return "source and comment must not contain U+0000 (NUL)";
        return null;
    }
}
