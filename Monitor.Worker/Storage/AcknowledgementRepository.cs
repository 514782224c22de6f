using Dapper;
using Monitor.Core.Evaluation;

namespace Monitor.Worker.Storage;

/// <summary>On-call's acknowledgements, one at most per user.</summary>
public sealed class AcknowledgementRepository(Database db)
{
    private const string Columns = "user_id, by_whom, comment, created_at, expires_at";

    // Named and ordered as Acknowledgement's constructor, so that Dapper builds the records directly.
    private const string Select = "user_id, by_whom AS by, comment, created_at AS at, expires_at";

    public async Task SetAsync(Acknowledgement a, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO acknowledgements ({Columns}) VALUES (@UserId, @By, @Comment, @At, @ExpiresAt)
            ON CONFLICT (user_id) DO UPDATE SET by_whom = excluded.by_whom, comment = excluded.comment,
                created_at = excluded.created_at, expires_at = excluded.expires_at
            """, a, cancellationToken: ct));
    }

    public async Task<bool> RemoveAsync(string userId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(
            "DELETE FROM acknowledgements WHERE user_id = @userId", new { userId }, cancellationToken: ct)) > 0;
    }

    /// <summary>The acknowledgements of <paramref name="userIds"/>, or every one when null.</summary>
    public async Task<Dictionary<string, Acknowledgement>> LoadAsync(IReadOnlyCollection<string>? userIds, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = userIds is null
            ? (await c.QueryAsync<Acknowledgement>(
                new CommandDefinition($"SELECT {Select} FROM acknowledgements", cancellationToken: ct))).ToList()
            : await c.QueryChunkedAsync<Acknowledgement>(
                $"SELECT {Select} FROM acknowledgements WHERE {db.Dialect.InChunk("user_id")}", userIds, ct: ct);
        var result = new Dictionary<string, Acknowledgement>(rows.Count, StringComparer.Ordinal);
        foreach (var a in rows) result[a.UserId] = a;
        return result;
    }
}
