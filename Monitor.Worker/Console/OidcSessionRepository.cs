using Dapper;
using Monitor.Worker.Storage;

namespace Monitor.Worker.StaffConsole;

/// <summary>
/// The server-side half of an OpenID Connect session: when the person's role was last confirmed at the provider and the
/// provider's refresh token (already encrypted by the caller), so that the refresh token never travels in the cookie.
/// </summary>
public sealed class OidcSessionRepository(Database db)
{
    public sealed record Row(string? RefreshToken, DateTimeOffset CheckedAt);

    public async Task SaveAsync(string sessionId, string? refreshToken, DateTimeOffset checkedAt, DateTimeOffset expiresAt,
        CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO console_oidc_sessions (session_id, refresh_token, checked_at, expires_at)
            VALUES (@sessionId, @refreshToken, @checkedAt, @expiresAt)
            ON CONFLICT (session_id) DO UPDATE SET refresh_token = excluded.refresh_token, checked_at = excluded.checked_at,
                claimed_at = NULL
            """, new { sessionId, refreshToken, checkedAt = checkedAt.ToMs(), expiresAt = expiresAt.ToMs() }, cancellationToken: ct));
        // Rows past their cookie's expiry serve nothing any more.
        await c.ExecuteAsync(new CommandDefinition(
            "DELETE FROM console_oidc_sessions WHERE expires_at < @now", new { now = checkedAt.ToMs() }, cancellationToken: ct));
    }

    /// <summary>
    /// After a confirmed check: the new check time and (rotated) refresh token, releasing the claim. Only a session that is
    /// still here: false when it ended meanwhile (a sign-out in another request deleted its row), which must not come back.
    /// </summary>
    public async Task<bool> ConfirmAsync(string sessionId, string? refreshToken, DateTimeOffset checkedAt, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(
            """
            UPDATE console_oidc_sessions SET refresh_token = @refreshToken, checked_at = @checkedAt, claimed_at = NULL
            WHERE session_id = @sessionId
            """, new { sessionId, refreshToken, checkedAt = checkedAt.ToMs() }, cancellationToken: ct)) == 1;
    }

    public async Task<Row?> FindAsync(string sessionId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<(string? RefreshToken, long CheckedAt)?>(new CommandDefinition(
            "SELECT refresh_token, checked_at FROM console_oidc_sessions WHERE session_id = @sessionId", new { sessionId },
            cancellationToken: ct));
        return row is { } r ? new Row(r.RefreshToken, StoreTime.FromMs(r.CheckedAt)) : null;
    }

    /// <summary>
    /// Takes the due check on this request, unless another request (here or on another replica) took it less than
    /// <paramref name="lease"/> ago: true for the one that is to ask the provider.
    /// </summary>
    public async Task<bool> ClaimAsync(string sessionId, DateTimeOffset now, TimeSpan lease, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(
            """
            UPDATE console_oidc_sessions SET claimed_at = @now
            WHERE session_id = @sessionId AND (claimed_at IS NULL OR claimed_at <= @before)
            """, new { sessionId, now = now.ToMs(), before = (now - lease).ToMs() }, cancellationToken: ct)) == 1;
    }

    public async Task DeleteAsync(string sessionId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(
            "DELETE FROM console_oidc_sessions WHERE session_id = @sessionId", new { sessionId }, cancellationToken: ct));
    }
}
