using System.Data.Common;
using System.Text;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace Monitor.Worker.Storage;

/// <summary>
/// What differs between SQLite and PostgreSQL, in one place: list parameters, row locks, the physical row
/// id for batched deletes, and bulk inserts. Chosen once from the provider (<see cref="Database.Dialect"/>).
/// </summary>
public abstract class StoreDialect
{
    /// <summary>How many keys one statement of a chunked query binds, and how many rows one bulk INSERT writes.</summary>
    public const int ChunkSize = 500;

    /// <summary>The list parameter that <see cref="Chunked"/> binds to each chunk of keys.</summary>
    public const string ChunkParameter = "chunk";

    public static readonly StoreDialect Sqlite = new SqliteDialect();
    public static readonly StoreDialect Postgres = new PostgresDialect();

    private StoreDialect()
    {
    }

    public abstract bool IsPostgres { get; }

    /// <summary>
    /// "column is one of @parameter" for a list parameter. Dapper expands <c>IN @list</c> on SQLite but
    /// hands Npgsql the list as an array, which PostgreSQL takes only through <c>= ANY</c>.
    /// </summary>
    public abstract string In(string column, string parameter);

    /// <summary>"column is one of the chunk's keys", for the statements of <see cref="Chunked"/>.</summary>
    public string InChunk(string column) => In(column, ChunkParameter);

    /// <summary>
    /// Appended to a <c>SELECT … LIMIT n</c> that claims rows: concurrent claimers on PostgreSQL skip each
    /// other's locked rows. Empty on SQLite, whose single writer serialises claims anyway.
    /// </summary>
    public abstract string SkipLocked { get; }

    /// <summary>The physical row id (<c>rowid</c>, <c>ctid</c>): batched deletes of tables without a usable key.</summary>
    public abstract string RowId { get; }

    /// <summary>
    /// Writes many rows with <c>{insert} VALUES (…) {suffix}</c>. <paramref name="values"/> gives a row's
    /// column values in the order of <paramref name="insert"/>; times are stored as Unix milliseconds.
    /// </summary>
    public abstract Task InsertManyAsync<T>(DbConnection c, DbTransaction tx, string insert, IEnumerable<T> rows,
        Func<T, object?[]> values, string suffix, CancellationToken ct);

    /// <summary>
    /// Writes many rows into <paramref name="columns"/> of <paramref name="table"/> (constants of the caller): binary COPY on
    /// PostgreSQL, which neither parses a statement nor binds a parameter per value; <see cref="InsertManyAsync{T}"/> on SQLite.
    /// Values are strings, integers, times or null.
    /// </summary>
    public abstract Task CopyManyAsync<T>(DbConnection c, DbTransaction tx, string table, string columns, IEnumerable<T> rows,
        Func<T, object?[]> values, CancellationToken ct);

    private sealed class SqliteDialect : StoreDialect
    {
        public override Task CopyManyAsync<T>(DbConnection c, DbTransaction tx, string table, string columns, IEnumerable<T> rows,
            Func<T, object?[]> values, CancellationToken ct) =>
            InsertManyAsync(c, tx, $"INSERT INTO {table} ({columns})", rows, values, "", ct);

        public override bool IsPostgres => false;

        public override string SkipLocked => "";

        public override string RowId => "rowid";

        public override string In(string column, string parameter) => $"{column} IN @{parameter}";

        // SQLite is in-process: a row per statement costs no round trip, and Microsoft.Data.Sqlite binds
        // thousands of named parameters slowly. One prepared statement, executed per row.
        public override async Task InsertManyAsync<T>(DbConnection c, DbTransaction tx, string insert, IEnumerable<T> rows,
            Func<T, object?[]> values, string suffix, CancellationToken ct)
        {
            var list = rows.Select(row =>
            {
                var v = values(row);
                var p = new DynamicParameters();
                for (var j = 0; j < v.Length; j++) p.Add($"p{j}", StoreTime.ToStore(v[j]));
                return (Width: v.Length, Parameters: p);
            }).ToList();
            if (list.Count == 0) return;
            var sqlOne = $"{insert} VALUES ({string.Join(',', Enumerable.Range(0, list[0].Width).Select(j => $"@p{j}"))}) {suffix}";
            await c.ExecuteAsync(new CommandDefinition(sqlOne, list.Select(x => x.Parameters), tx, cancellationToken: ct));
        }
    }

    private sealed class PostgresDialect : StoreDialect
    {
        public override bool IsPostgres => true;

        public override string SkipLocked => "FOR UPDATE SKIP LOCKED";

        public override string RowId => "ctid";

        public override string In(string column, string parameter) => $"{column} = ANY(@{parameter})";

        // Each value as the column's type: text, integer or bigint (times as Unix milliseconds), the only types written so.
        public override async Task CopyManyAsync<T>(DbConnection c, DbTransaction tx, string table, string columns, IEnumerable<T> rows,
            Func<T, object?[]> values, CancellationToken ct)
        {
            await using var copy = await ((NpgsqlConnection)c).BeginBinaryImportAsync(
                $"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)", ct);
            foreach (var row in rows)
            {
                await copy.StartRowAsync(ct);
                foreach (var value in values(row))
                {
                    switch (StoreTime.ToStore(value))
                    {
                        case null: await copy.WriteNullAsync(ct); break;
                        case string text: await copy.WriteAsync(text, NpgsqlDbType.Text, ct); break;
                        case long n: await copy.WriteAsync(n, NpgsqlDbType.Bigint, ct); break;
                        case int n: await copy.WriteAsync(n, NpgsqlDbType.Integer, ct); break;
                        case var other: throw new ArgumentException($"COPY writes no {other.GetType().Name} values", nameof(values));
                    }
                }
            }
            await copy.CompleteAsync(ct);
        }

        // A multi-row INSERT per chunk: a round trip per chunk rather than per row. Positional parameters
        // ($1, $2, …), which Npgsql binds without looking names up; named ones cost a lookup each, and
        // thousands of them per statement add up.
        public override async Task InsertManyAsync<T>(DbConnection c, DbTransaction tx, string insert, IEnumerable<T> rows,
            Func<T, object?[]> values, string suffix, CancellationToken ct)
        {
            foreach (var chunk in rows.Chunk(ChunkSize))
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
                        parameter.Value = StoreTime.ToStore(row[j]) ?? DBNull.Value;
                        command.Parameters.Add(parameter);
                    }
                    sql.Append(')');
                }
                command.CommandText = sql.Append(' ').Append(suffix).ToString();
                await command.ExecuteNonQueryAsync(ct);
            }
        }
    }
}
