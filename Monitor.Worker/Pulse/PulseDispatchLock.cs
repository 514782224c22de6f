using System.Data.Common;
using Dapper;
using Monitor.Probes.Pulse;
using Monitor.Worker.Storage;

namespace Monitor.Worker.Pulse;

/// <summary>
/// The pulse dispatch lock. On PostgreSQL a session-level advisory lock on a connection held for the whole dispatch: every
/// replica sees it, and PostgreSQL releases it the moment the holder's connection (its own, outside the pool) closes, so a killed worker's lock is gone
/// as soon as the kernel closes its socket (no timeout to wait out). On SQLite, which one process uses, a lock in this process.
/// </summary>
public sealed class PulseDispatchLock(Database db) : IPulseDispatchLock, IDisposable
{
    /// <summary>The advisory lock's key ("smpulse" in ASCII); nothing else in the database takes advisory locks.</summary>
    private const long Key = 0x736D70756C7365;

    private readonly SemaphoreSlim _local = new(1, 1);

    public async Task<IAsyncDisposable?> TryAcquireAsync(CancellationToken cancellationToken)
    {
        if (!db.IsPostgres) return await _local.WaitAsync(0, cancellationToken) ? new Local(_local) : null;
        var c = await db.OpenSessionAsync(cancellationToken);
        try
        {
            if (await c.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT pg_try_advisory_lock(@Key)", new { Key },
                    cancellationToken: cancellationToken)))
                return new Advisory(c);
        }
        catch
        {
            await c.DisposeAsync();
            throw;
        }
        await c.DisposeAsync();
        return null;
    }

    public void Dispose() => _local.Dispose();

    private sealed class Local(SemaphoreSlim held) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            held.Release();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class Advisory(DbConnection c) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                // Released explicitly, and again by closing the session (the connection is not pooled).
                await c.ExecuteAsync("SELECT pg_advisory_unlock(@Key)", new { Key });
            }
            catch (DbException)
            {
                // The connection is broken: PostgreSQL has already ended the session, and the lock with it.
            }
            finally
            {
                await c.DisposeAsync();
            }
        }
    }
}
