namespace Monitor.Core.Actions;

/// <summary>
/// A signal named by its dedupe key (user, kind, source), as actions link it. Written as an object or as
/// <c>user/kind/source</c> (the source may itself contain '/': everything after the second '/').
/// </summary>
public sealed record SignalRef(string UserId, string Kind, string Source)
{
    public static SignalRef? Parse(string? text)
    {
        if (text is null) return null;
        var parts = text.Split('/', 3);
        return parts.Length == 3 && parts.All(p => p.Trim().Length > 0)
            ? new SignalRef(parts[0].Trim(), parts[1].Trim(), parts[2].Trim())
            : null;
    }

    public override string ToString() => $"{UserId}/{Kind}/{Source}";
}

/// <summary>A linked signal as stored, with what remains of the signal (null after retention pruned it).</summary>
public sealed record LinkedSignal(SignalRef Ref, string LinkedBy, DateTimeOffset LinkedAt, double? Score, string? Comment,
    DateTimeOffset? ObservedAt);

/// <summary>A signal that carries a comment, as a search or a user page shows it.</summary>
public sealed record CommentedSignal(string UserId, string Kind, string Source, double Score, DateTimeOffset ObservedAt, string Comment)
{
    public SignalRef Ref => new(UserId, Kind, Source);
}
