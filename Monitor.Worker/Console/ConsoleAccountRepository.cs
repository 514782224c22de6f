using Dapper;
using Monitor.Worker.Storage;

namespace Monitor.Worker.StaffConsole;

/// <summary>Local console accounts: a user name and a password hash, never the password.</summary>
public sealed class ConsoleAccountRepository(Database db)
{
    public async Task<string?> FindHashAsync(string userName, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT password_hash FROM console_accounts WHERE user_name = @userName", new { userName }, cancellationToken: ct));
    }

    /// <summary>
    /// Creates the account unless it exists: false when another request or replica set a password first,
    /// so a one-time link can never overwrite a password that is already in use.
    /// </summary>
    public async Task<bool> CreateAsync(string userName, string passwordHash, DateTimeOffset at, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO console_accounts (user_name, password_hash, created_at, updated_at)
            VALUES (@userName, @passwordHash, @at, @at)
            ON CONFLICT (user_name) DO NOTHING
            """, new { userName, passwordHash, at = at.ToMs() }, cancellationToken: ct)) == 1;
    }
}
