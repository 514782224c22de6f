namespace Monitor.Worker.Storage;

/// <summary>
/// Start-up against a PostgreSQL that is not there yet (started after the worker, restarting, a network not up):
/// wait and retry the migration with one clear line per attempt, instead of exiting with a stack trace that reads
/// like a failed migration. The listeners open only after it succeeds, so the worker is not ready meanwhile.
/// A failure that is not unavailability (a wrong password, a failing script) still ends start-up at once, and so
/// does anything on SQLite, whose file is local: an unopenable one is a setting to fix, not a wait.
/// </summary>
public static class StoreStartup
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(10);

    public static async Task MigrateWhenReachableAsync(Database db, ILogger logger, CancellationToken ct,
        TimeSpan? firstDelay = null)
    {
        var delay = firstDelay ?? FirstDelay;
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
                logger.LogWarning("Store unreachable at start-up (attempt {Attempt}: {Reason}); retrying in {Delay:0.#} s. " +
                                  "The worker is not ready until the store answers", attempt, StoreFaults.Reason(e), delay.TotalSeconds);
            }
            await Task.Delay(delay, ct);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
        }
    }
}
