using System.Data.Common;
using Dapper;

namespace Monitor.Worker.Storage;

/// <summary>
/// Statements over a long list of keys, one statement per <see cref="StoreDialect.ChunkSize"/> keys: a
/// list parameter is bounded on both stores (SQLite's variable limit, PostgreSQL's planner on long arrays).
/// The SQL names the keys with <see cref="StoreDialect.InChunk"/>; other parameters come from <c>parameters</c>.
/// </summary>
internal static class Chunked
{
    /// <summary>The rows of every chunk, in chunk order.</summary>
    public static async Task<List<T>> QueryChunkedAsync<T>(this DbConnection c, string sql, IEnumerable<string> keys,
        object? parameters = null, DbTransaction? tx = null, CancellationToken ct = default)
    {
        var result = new List<T>();
        foreach (var chunk in keys.Chunk(StoreDialect.ChunkSize))
        {
            result.AddRange(await c.QueryAsync<T>(new CommandDefinition(sql, With(parameters, chunk), tx, cancellationToken: ct)));
        }
        return result;
    }

    /// <summary>Runs the statement for every chunk; returns the rows affected in all.</summary>
    public static async Task<int> ExecuteChunkedAsync(this DbConnection c, string sql, IEnumerable<string> keys,
        object? parameters = null, DbTransaction? tx = null, CancellationToken ct = default)
    {
        var affected = 0;
        foreach (var chunk in keys.Chunk(StoreDialect.ChunkSize))
        {
            affected += await c.ExecuteAsync(new CommandDefinition(sql, With(parameters, chunk), tx, cancellationToken: ct));
        }
        return affected;
    }

    private static DynamicParameters With(object? parameters, string[] chunk)
    {
        var p = new DynamicParameters(parameters);
        p.Add(StoreDialect.ChunkParameter, chunk);
        return p;
    }
}
