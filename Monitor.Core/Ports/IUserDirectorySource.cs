using Monitor.Core.Users;

namespace Monitor.Core.Ports;

/// <summary>A source of the user directory (a CSV file first; LDAP or Entra ID later).</summary>
public interface IUserDirectorySource
{
    /// <summary>
    /// Reads the whole directory. When any record is malformed the read fails as a whole, with one error
    /// per bad record, so that a broken export never removes people.
    /// </summary>
    Task<DirectoryReadResult> ReadAsync(CancellationToken cancellationToken);
}

public sealed record DirectoryReadResult(IReadOnlyList<User> Users, IReadOnlyList<string> Errors)
{
    public bool Ok => Errors.Count == 0;

    /// <summary>Why the read was refused as a whole (a fixed word, used as a metric label); null when it was not.</summary>
    public string? Refusal { get; init; }

    /// <summary>
    /// Optional columns the source does not carry: the stored value of those fields is kept, not reset to
    /// the default (an export that drops a column must not demote every manager).
    /// </summary>
    public IReadOnlyList<string> MissingColumns { get; init; } = [];

    /// <summary>
    /// The optional <c>absent_until</c> column: the last day of each long absence, by user id (people without one are
    /// not listed). Meaningless when <see cref="MissingColumns"/> names the column: then absences are left as they are.
    /// </summary>
    public IReadOnlyDictionary<string, DateOnly> AbsentUntil { get; init; } = new Dictionary<string, DateOnly>();
}
