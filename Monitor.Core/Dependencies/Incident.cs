namespace Monitor.Core.Dependencies;

/// <summary>
/// A parent marked down: declared by IT or read from a ticket system's major incident. <paramref name="Id"/> is the
/// monitor's own number (the one metrics and alerts carry, never the title); <paramref name="Source"/> is
/// <c>staff</c> or the ticket system, with the ticket's key in <paramref name="ExternalRef"/>.
/// </summary>
public sealed record Incident(
    long Id,
    string Parent,
    string Title,
    string Source,
    string? ExternalRef,
    DateTimeOffset OpenedAt,
    string OpenedBy,
    DateTimeOffset? ResolvedAt = null,
    string? ResolvedBy = null)
{
    public const string Staff = "staff";
    public const int MaxTitle = 200;
    public const int MaxParent = 200;

    public bool Open => ResolvedAt is null;

    /// <summary>Whether the incident was open at <paramref name="at"/>.</summary>
    public bool OpenAt(DateTimeOffset at) => OpenedAt <= at && (ResolvedAt is not { } r || at < r);
}
