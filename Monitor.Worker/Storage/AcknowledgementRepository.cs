using Dapper;
using Monitor.Core.Evaluation;

namespace Monitor.Worker.Storage;

/// <summary>On-call's acknowledgements, one at most per user.</summary>
public sealed class AcknowledgementRepository(Database db)
{
    private const string Columns = "user_id, by_whom, comment, created_at, expires_at";

    public async Task SetAsync(Acknowledgement a, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO acknowledgements ({Columns}) VALUES (@UserId, @By, @Comment, @At, @ExpiresAt)
            ON CONFLICT (user_id) DO UPDATE SET by_whom = excluded.by_whom, comment = excluded.comment,
                created_at = excluded.created_at, expires_at = excluded.expires_at
            """, new { a.UserId, a.By, a.Comment, At = a.At.ToMs(), ExpiresAt = a.ExpiresAt.ToMs() }, cancellationToken: ct));
    }

    public async Task<bool> RemoveAsync(string userId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(
            "DELETE FROM acknowledgements WHERE user_id = @userId", new { userId }, cancellationToken: ct)) > 0;
    }

    public async Task<Dictionary<string, Acknowledgement>> LoadAsync(IReadOnlyCollection<string>? userIds, CancellationToken ct = default)
    {
        var result = new Dictionary<string, Acknowledgement>(StringComparer.Ordinal);
        await using var c = await db.OpenAsync(ct);
        IEnumerable<string[]?> chunks = userIds is null ? [null] : userIds.Chunk(500).Cast<string[]?>();
        foreach (var chunk in chunks)
        {
            var sql = $"SELECT {Columns} FROM acknowledgements" + (chunk is null ? "" : $" WHERE {db.In("user_id", "chunk")}");
            foreach (var r in await c.QueryAsync<AckRow>(new CommandDefinition(sql, new { chunk }, cancellationToken: ct)))
            {
                result[r.UserId] = new Acknowledgement(r.UserId, r.ByWhom, r.Comment, StoreTime.FromMs(r.CreatedAt), StoreTime.FromMs(r.ExpiresAt));
            }
        }
        return result;
    }

    private sealed class AckRow
    {
        public string UserId { get; set; } = "";
        public string ByWhom { get; set; } = "";
        public string? Comment { get; set; }
        public long CreatedAt { get; set; }
        public long? ExpiresAt { get; set; }
    }
}
