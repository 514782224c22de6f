using Monitor.Core.Users;

namespace Monitor.Core.Ports;

/// <summary>Finds users among those currently in the directory.</summary>
public interface IUserLookup
{
    Task<User?> FindAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Case-insensitive match on the e-mail address.</summary>
    Task<User?> FindByEmailAsync(string email, CancellationToken cancellationToken);
}
