using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Monitor.Worker.Storage;

/// <summary>
/// The store part of /readyz: the store can be <em>written</em> (one committed upsert of a single row, so that a
/// full disk or a read-only standby is not ready), SQLite's volume has room, and the schema is current. Bounded in
/// time: a PostgreSQL that is down answers unhealthy within <see cref="Timeout"/>, not after the driver's 15 s
/// connect timeout, so a probe with a 1-2 s timeout sees 503 rather than a timeout.
/// </summary>
public sealed class StoreWriteCheck : IHealthCheck, IAsyncDisposable
{
    /// <summary>The longest the check takes; a load balancer's probe usually waits 1-2 s.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(900);

    /// <summary>Below this much free space on SQLite's volume, writes are about to fail: not ready.</summary>
    public const long MinFreeBytes = 16L * 1024 * 1024;

    private const string Key = "store.readyz";

    private readonly Database _db;
    private readonly TimeProvider _time;
    private readonly string _sqlitePath = "";
    private readonly NpgsqlDataSource? _postgres;

    public StoreWriteCheck(Database db, IOptions<StorageOptions> options, TimeProvider time)
    {
        (_db, _time) = (db, time);
        if (db.IsPostgres)
        {
            // Its own small pool with second-scale timeouts: the check must not queue behind the worker's connections.
            var builder = new NpgsqlConnectionStringBuilder(options.Value.ConnectionString)
            {
                Timeout = 1, CommandTimeout = 1, MaxPoolSize = 2, MinPoolSize = 0,
            };
            _postgres = NpgsqlDataSource.Create(builder.ConnectionString);
        }
        else
        {
            var source = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(options.Value.ConnectionString).DataSource;
            _sqlitePath = string.IsNullOrEmpty(source) ? "" : Path.GetFullPath(source);
        }
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(Timeout);
        var provider = _db.IsPostgres ? "postgres" : "sqlite";
        try
        {
            if (!_db.IsPostgres && FreeBytes() is { } free && free < MinFreeBytes)
                return HealthCheckResult.Unhealthy($"sqlite volume nearly full: {free / 1024} KiB free");
            await using (var c = await OpenAsync(bounded.Token))
            {
                await using var tx = await c.BeginTransactionAsync(bounded.Token);
                await c.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO watermarks (name, value, updated_at) VALUES (@Key, @value, @now)
                    ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                    """, new { Key, value = Environment.MachineName, now = _time.GetUtcNow() }, tx, cancellationToken: bounded.Token));
                await tx.CommitAsync(bounded.Token);
            }
            return _db.SchemaCurrent()
                ? HealthCheckResult.Healthy($"{provider} writable, schema current")
                : HealthCheckResult.Unhealthy("schema has pending migrations");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"{provider} did not answer within {Timeout.TotalMilliseconds:0} ms");
        }
        catch (Exception e) when (StoreFaults.IsUnavailable(e))
        {
            return HealthCheckResult.Unhealthy($"{provider} not writable: {StoreFaults.Reason(e)}");
        }
    }

    private async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        if (_postgres is not null) return await _postgres.OpenConnectionAsync(ct);
        var c = await _db.OpenAsync(ct);
        // Wait for another writer less than the check's own bound (the worker's connections wait 10 s).
        await c.ExecuteAsync("PRAGMA busy_timeout = 500;");
        return c;
    }

    private long? FreeBytes()
    {
        if (_sqlitePath.Length == 0 || Path.GetDirectoryName(_sqlitePath) is not { } dir) return null;
        try
        {
            return new DriveInfo(dir).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    public ValueTask DisposeAsync() => _postgres?.DisposeAsync() ?? ValueTask.CompletedTask;
}
