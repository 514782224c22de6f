using System.Data.Common;
using System.Reflection;
using Dapper;
using DbUp;
using DbUp.Engine;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Monitor.Worker.Storage;

/// <summary>
/// The one entry to the store: opens connections for either provider and applies the schema through
/// DbUp. Everything above it is one Dapper code path.
/// </summary>
public sealed class Database : IAsyncDisposable
{
    private readonly NpgsqlDataSource? _postgres;
    private readonly NpgsqlDataSource? _sessions;
    private readonly string _connectionString;

    // Once per process, before any query: columns map to properties by snake_case name, and times are
    // bound and read as BIGINT Unix milliseconds (UnixMillisecondsHandler).
    static Database()
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        UnixMillisecondsHandler.Register();
    }

    public Database(IOptions<StorageOptions> options)
    {
        var o = options.Value;
        Dialect = o.IsPostgres ? StoreDialect.Postgres : StoreDialect.Sqlite;
        if (IsPostgres)
        {
            _connectionString = o.ConnectionString;
            _postgres = NpgsqlDataSource.Create(Pooled(o.ConnectionString));
            _sessions = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(o.ConnectionString) { Pooling = false }.ConnectionString);
        }
        else
        {
            var builder = new SqliteConnectionStringBuilder(o.ConnectionString) { DefaultTimeout = 30 };
            if (!string.IsNullOrEmpty(builder.DataSource) && builder.DataSource != ":memory:" &&
                Path.GetDirectoryName(Path.GetFullPath(builder.DataSource)) is { } dir)
            {
                Directory.CreateDirectory(dir);
            }
            _connectionString = builder.ToString();
        }
    }

    // Statements run often (an answer's, a signal's) are prepared on each pooled connection after a few uses, so PostgreSQL
    // stops parsing and planning them every time (docs/benchmarks.md, "Pulse answers"). And a connection going back to the
    // pool is not reset: Npgsql's reset (with prepared statements: CLOSE ALL, RESET ALL, UNLISTEN *, an advisory unlock,
    // DISCARD SEQUENCES and TEMP) ran in PostgreSQL before the next use of every pooled connection, twice per answer, and
    // undid nothing: no code sets session state on a pooled connection (the one session-level lock, the pulse dispatch
    // lock, is taken on an unpooled connection, OpenSessionAsync). A connection string that sets either itself is left as it is.
    private static string Pooled(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase)) builder.MaxAutoPrepare = 64;
        if (!connectionString.Contains("Reset On Close", StringComparison.OrdinalIgnoreCase)) builder.NoResetOnClose = true;
        return builder.ConnectionString;
    }

    /// <summary>What differs between the two stores' SQL.</summary>
    public StoreDialect Dialect { get; }

    public bool IsPostgres => Dialect.IsPostgres;

    /// <summary>Which store, for one line of a log or an error: never the connection string (it may hold a password).</summary>
    public string Name => IsPostgres
        ? StoreStartup.Describe(_connectionString)
        : $"SQLite at {new SqliteConnectionStringBuilder(_connectionString).DataSource}";

    public async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        if (_postgres is not null) return await _postgres.OpenConnectionAsync(cancellationToken);
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        // SQLite has one writer: wait for it rather than fail when the evaluator and the API write at once.
        await connection.ExecuteAsync("PRAGMA busy_timeout = 10000;");
        return connection;
    }

    /// <summary>
    /// A PostgreSQL connection of its own, outside the pool: its session ends when it is disposed, taking any session-level
    /// state (an advisory lock) with it. Pooled connections are not reset when they go back (<see cref="Pooled"/>), so
    /// nothing session-level may be done on them.
    /// </summary>
    public async ValueTask<DbConnection> OpenSessionAsync(CancellationToken cancellationToken = default) =>
        _sessions is not null ? await _sessions.OpenConnectionAsync(cancellationToken)
            : throw new InvalidOperationException("a session of its own is only needed on PostgreSQL");

    /// <summary>Applies the pending migrations; throws with DbUp's error when one fails.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        if (!IsPostgres)
        {
            await using var c = await OpenAsync(cancellationToken);
            await c.ExecuteAsync("PRAGMA journal_mode = WAL;");
        }
        var result = Upgrader().PerformUpgrade();
        if (!result.Successful)
        {
            throw new InvalidOperationException(
                $"Schema migration failed at {result.ErrorScript?.Name}: {result.Error.Message}", result.Error);
        }
    }

    /// <summary>True when every migration shipped with this build has been applied.</summary>
    public bool SchemaCurrent() => !Upgrader().IsUpgradeRequired();

    private UpgradeEngine Upgrader()
    {
        var builder = IsPostgres
            ? DeployChanges.To.PostgresqlDatabase(_connectionString)
            : DeployChanges.To.SqliteDatabase(_connectionString);
        return builder
            .WithScriptsEmbeddedInAssembly(Assembly.GetExecutingAssembly(), n => n.Contains(".Storage.Migrations.", StringComparison.Ordinal)
                // Storage settings one store has and the other has not: *.postgres.sql runs on PostgreSQL only.
                && (IsPostgres || !n.EndsWith(".postgres.sql", StringComparison.Ordinal)))
            .WithTransactionPerScript()
            .LogToNowhere()
            .Build();
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null) await _postgres.DisposeAsync();
        if (_sessions is not null) await _sessions.DisposeAsync();
    }
}
