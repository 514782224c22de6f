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
        foreach (var chunk in rows.Chunk(RowsPerStatement))
        {
            var sql = new StringBuilder(insert).Append(" VALUES ");
            var parameters = new DynamicParameters();
            for (var i = 0; i < chunk.Length; i++)
            {
                var row = values(chunk[i]);
                sql.Append(i == 0 ? "(" : ",(");
                for (var j = 0; j < row.Length; j++)
                {
                    var name = $"p{i}_{j}";
                    sql.Append(j == 0 ? "@" : ",@").Append(name);
                    parameters.Add(name, row[j]);
                }
                sql.Append(')');
            }
            sql.Append(' ').Append(suffix);
            await c.ExecuteAsync(new CommandDefinition(sql.ToString(), parameters, tx, cancellationToken: ct));
        }
    }
}
