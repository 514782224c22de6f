using Dapper;
using Monitor.Worker.Storage;

namespace Monitor.Worker.StaffConsole;

/// <summary>
/// Sessions ended by signing out. The session cookie is self-contained, so without this list a copy of it
/// would keep working until it expires; the store makes sign-out hold on every replica.
/// </summary>
public sealed class ConsoleSessionRepository(Database db)
{
    public async Task RevokeAsync(string sessionId, DateTimeOffset until, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO console_revoked_sessions (session_id, expires_at) VALUES (@sessionId, @until)
            ON CONFLICT (session_id) DO NOTHING
            """, new { sessionId, until = until.ToMs() }, cancellationToken: ct));
        // Entries past their cookie's expiry protect nothing any more.
        await c.ExecuteAsync(new CommandDefinition(
            "DELETE FROM console_revoked_sessions WHERE expires_at < @now", new { now = now.ToMs() }, cancellationToken: ct));
    }

    public async Task<bool> IsRevokedAsync(string sessionId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM console_revoked_sessions WHERE session_id = @sessionId", new { sessionId }, cancellationToken: ct)) > 0;
    }
}
