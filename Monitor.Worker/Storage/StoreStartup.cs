using Npgsql;

namespace Monitor.Worker.Storage;

/// <summary>
/// Start-up against a PostgreSQL that is not there yet (started after the worker, restarting, a network not up):
/// wait and retry the migration with one clear line per attempt, instead of exiting with a stack trace that reads
/// like a failed migration. The listeners open only after it succeeds, so the worker is not ready meanwhile.
/// A failure that is not unavailability (a wrong password, a failing script) still ends start-up at once, and so
/// does anything on SQLite, whose file is local: an unopenable one is a setting to fix, not a wait.
/// The <c>migrate</c> verb waits the same way, for a bounded time (<c>--wait</c>).
/// </summary>
public static class StoreStartup
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(10);

    /// <param name="giveUpAfter">
    /// Null waits for as long as it takes (the worker, whose orchestrator sees it not ready); else the time after which
    /// <see cref="StoreUnreachableException"/> is thrown (the <c>migrate</c> verb, run by a script that needs an answer).
    /// </param>
    public static async Task MigrateWhenReachableAsync(Database db, ILogger logger, CancellationToken ct,
        TimeSpan? firstDelay = null, TimeSpan? giveUpAfter = null)
    {
        var delay = firstDelay ?? FirstDelay;
        var started = DateTimeOffset.UtcNow;
        var giveUpAt = started + giveUpAfter;
        var meanwhile = giveUpAt is { } at
            ? $"Giving up at {at:HH:mm:ss} UTC"
            : "The worker is not ready until the store answers";
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await db.MigrateAsync(ct);
                if (attempt > 1) logger.LogInformation("Store reachable after {Attempts} attempts", attempt);
                return;
            }
            catch (Exception e) when (db.IsPostgres && StoreFaults.IsUnavailable(e) && !ct.IsCancellationRequested)
            {
                var left = giveUpAt - DateTimeOffset.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    throw new StoreUnreachableException(
                        $"{db.Name} unreachable after {attempt} attempt(s) in {(DateTimeOffset.UtcNow - started).TotalSeconds:0} s: " +
                        StoreFaults.Reason(e), e);
                }
                if (left < delay) delay = left.Value;
                logger.LogWarning("Store unreachable at start-up (attempt {Attempt}: {Reason}); retrying in {Delay:0.#} s. {Meanwhile}",
                    attempt, StoreFaults.Reason(e), delay.TotalSeconds, meanwhile);
            }
            await Task.Delay(delay, ct);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
        }
    }

    /// <summary>Which store, for a person reading one line: provider, host, port and database; never the password.</summary>
    public static string Describe(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return $"PostgreSQL at {b.Host}:{b.Port}/{b.Database}";
    }
}

/// <summary>The store did not answer within the time the caller was willing to wait; the message is one line naming it.</summary>
public sealed class StoreUnreachableException(string message, Exception inner) : Exception(message, inner);
