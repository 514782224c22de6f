using System.Data.Common;
using System.Text;
using Dapper;

namespace Monitor.Worker.Storage;

/// <summary>
/// Writes many rows with one multi-row <c>INSERT … VALUES (…), (…)</c> per chunk, on both stores, so that
/// bulk writes cost a round trip per chunk rather than per row.
/// </summary>
internal static class MultiRow
{
    private const int RowsPerStatement = 500;

    public static async Task InsertAsync<T>(DbConnection c, DbTransaction tx, string insert, IEnumerable<T> rows,
        Func<T, object?[]> values, string suffix, CancellationToken ct)
    {
        if (c is Microsoft.Data.Sqlite.SqliteConnection)
        {
            // SQLite is in-process: a row per statement costs no round trip, and Microsoft.Data.Sqlite
            // binds thousands of named parameters slowly. One prepared statement, executed per row.
            var list = rows.Select(row =>
            {
                var v = values(row);
                var p = new DynamicParameters();
                for (var j = 0; j < v.Length; j++) p.Add($"p{j}", v[j]);
                return (Width: v.Length, Parameters: p);
            }).ToList();
            if (list.Count == 0) return;
            var sqlOne = $"{insert} VALUES ({string.Join(',', Enumerable.Range(0, list[0].Width).Select(j => $"@p{j}"))}) {suffix}";
            await c.ExecuteAsync(new CommandDefinition(sqlOne, list.Select(x => x.Parameters), tx, cancellationToken: ct));
            return;
        }
        // PostgreSQL: positional parameters ($1, $2, …), which Npgsql binds without looking names up;
        // named ones cost a lookup each, and thousands of them per statement add up.
        foreach (var chunk in rows.Chunk(RowsPerStatement))
        {
            await using var command = c.CreateCommand();
            command.Transaction = tx;
            var sql = new StringBuilder(insert).Append(" VALUES ");
            var n = 0;
            for (var i = 0; i < chunk.Length; i++)
            {
                var row = values(chunk[i]);
                sql.Append(i == 0 ? "(" : ",(");
                for (var j = 0; j < row.Length; j++)
                {
                    sql.Append(j == 0 ? "$" : ",$").Append(++n);
                    var parameter = command.CreateParameter();
                    parameter.Value = row[j] ?? DBNull.Value;
                    command.Parameters.Add(parameter);
                }
                sql.Append(')');
            }
            command.CommandText = sql.Append(' ').Append(suffix).ToString();
            await command.ExecuteNonQueryAsync(ct);
        }
    }
}
