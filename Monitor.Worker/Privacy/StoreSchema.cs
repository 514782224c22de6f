using Dapper;
using Monitor.Worker.Storage;

namespace Monitor.Worker.Privacy;

/// <summary>
/// Whether a table has a column, on either store. Privacy reaches tables other features own (<c>visits</c>,
/// <c>actions</c>) only when their migration has created them, so that it does not depend on their order of merge.
/// </summary>
internal static class StoreSchema
{
    public static async Task<bool> HasColumnAsync(Database db, string table, string column, CancellationToken ct)
    {
        var sql = db.IsPostgres
            ? "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = current_schema() " +
              "AND table_name = @table AND column_name = @column"
            : "SELECT COUNT(*) FROM pragma_table_info(@table) WHERE name = @column";
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(sql, new { table, column }, cancellationToken: ct)) > 0;
    }

    /// <summary>The first of <paramref name="columns"/> that the table has, or null (or no such table).</summary>
    public static async Task<string?> FirstColumnAsync(Database db, string table, IEnumerable<string> columns, CancellationToken ct)
    {
        foreach (var column in columns)
        {
            if (await HasColumnAsync(db, table, column, ct)) return column;
        }
        return null;
    }
}
