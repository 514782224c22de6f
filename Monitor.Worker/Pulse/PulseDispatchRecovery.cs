using Dapper;
using Microsoft.Extensions.Options;
using Monitor.Probes.Pulse;
using Monitor.Worker.Storage;

namespace Monitor.Worker.Pulse;

/// <summary>
/// Resumes a pulse dispatch interrupted by a crash (issue 13: 6,800 of 10,000 people waited for the next scheduled run).
/// At start, a <see cref="PulseService.DispatchMark"/> still <c>running</c> is a dispatch that either runs on another replica
/// or died with its process. The dispatch lock (<see cref="PulseDispatchLock"/>) tells them apart at once, since it dies with
/// its holder: when it is free, this replica dispatches again at once, outside Quartz, so it does not wait behind the
/// clustered store's recovery of the dead node. Those already queued are not due again (the fatigue budget), so a resumed
/// dispatch queues only the rest. While another replica holds the lock, it looks again every <see cref="LookAgain"/>, in case
/// that one dies too.
/// </summary>
public sealed class PulseDispatchRecovery(Database db, IServiceProvider services, IOptions<PulseOptions> options, TimeProvider time,
    ILogger<PulseDispatchRecovery> logger) : BackgroundService
{
    /// <summary>How often a <c>running</c> mark held by a live dispatch elsewhere is looked at again.</summary>
    public static readonly TimeSpan LookAgain = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.CanSign) return;
        try
        {
            await ResumeAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Pulse: resuming an interrupted dispatch failed; the next scheduled run sends the rest");
        }
    }

    private async Task ResumeAsync(CancellationToken ct)
    {
        var pulses = services.GetRequiredService<PulseService>();
        while (await ReadAsync(ct) is { } mark && mark.StartsWith("running:", StringComparison.Ordinal))
        {
            var started = time.GetUtcNow();
            if (await pulses.TryDispatchAsync(ct, resumeOnly: true) is { } created)
            {
                logger.LogWarning("Pulse: dispatch mark {Mark} found at start; the resumed dispatch queued {Count} pulses in {Elapsed}",
                    mark, created, time.GetUtcNow() - started);
                return;
            }
            await Task.Delay(LookAgain, time, ct);
        }
    }

    private async Task<string?> ReadAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT value FROM watermarks WHERE name = @key", new { key = PulseService.DispatchMark }, cancellationToken: ct));
    }
}
