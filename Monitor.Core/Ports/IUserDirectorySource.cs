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
}
