using Dapper;
using Monitor.Core.Ports;

namespace Monitor.Worker.Storage;

public sealed class WatermarkRepository(Database db, TimeProvider time) : IWatermarkStore
{
    public async Task<string?> GetAsync(string key, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT value FROM watermarks WHERE name = @key", new { key }, cancellationToken: ct));
    }

    public async Task SetAsync(string key, string value, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO watermarks (name, value, updated_at) VALUES (@key, @value, @now)
            ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
            """, new { key, value, now = time.GetUtcNow() }, cancellationToken: ct));
    }
}
