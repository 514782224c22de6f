using Monitor.Core.Users;

namespace Monitor.Core.Ports;

/// <summary>What the pulse probe needs of the stored directory: everyone in it, and their pulse subscription.</summary>
public interface IUserDirectory : IUserLookup
{
    /// <summary>Everyone currently in the directory, ordered by id.</summary>
    Task<IReadOnlyList<User>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Sets or clears the person's opt-out from pulses; false when they are not in the directory.</summary>
    Task<bool> SetOptedOutAsync(string userId, bool optedOut, CancellationToken cancellationToken);
}
