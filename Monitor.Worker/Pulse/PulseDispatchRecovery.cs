using System.Globalization;
using Dapper;
using Microsoft.Extensions.Options;
using Monitor.Probes.Pulse;
using Monitor.Worker.Storage;

namespace Monitor.Worker.Pulse;

/// <summary>
/// Resumes a pulse dispatch interrupted by a crash (issue 13: 6,800 of 10,000 people waited for the next scheduled run).
/// At start, a <see cref="PulseService.DispatchMark"/> still <c>running</c> and not refreshed for <see cref="StaleAfter"/> is a
/// dead dispatch: one replica takes it over (compare-and-set on the mark) and dispatches again at once, outside Quartz, so
/// it does not wait behind the clustered store's recovery of the dead node. Those already queued are not due again (the
/// fatigue budget), so a resumed dispatch queues only the rest.
/// </summary>
public sealed class PulseDispatchRecovery(Database db, IServiceProvider services, IOptions<PulseOptions> options, TimeProvider time,
    ILogger<PulseDispatchRecovery> logger) : BackgroundService
{
    /// <summary>A running dispatch refreshes its mark after every write batch (200 pulses), well within this.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(10);

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
        while (true)
        {
            var mark = await ReadAsync(ct);
            if (mark is null || !mark.StartsWith("running:", StringComparison.Ordinal) ||
                !long.TryParse(mark["running:".Length..], CultureInfo.InvariantCulture, out var ms))
                return;
            var age = time.GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds(ms);
            if (age < StaleAfter)
            {
                // Alive elsewhere, or dead so recently that it cannot be told yet: look again when it would be stale.
                await Task.Delay(StaleAfter - age + TimeSpan.FromMilliseconds(200), time, ct);
                continue;
            }
            if (!await TakeOverAsync(mark, ct)) return;
            logger.LogWarning("Pulse: a dispatch interrupted {Age} ago is resumed now", age);
            var created = await services.GetRequiredService<PulseService>().DispatchAsync(ct);
            logger.LogInformation("Pulse: the resumed dispatch queued {Count} pulses", created);
            return;
        }
    }

    private async Task<string?> ReadAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT value FROM watermarks WHERE name = @key", new { key = PulseService.DispatchMark }, cancellationToken: ct));
    }

    // Only one replica wins: the mark must still be the dead one's.
    private async Task<bool> TakeOverAsync(string mark, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(
            "UPDATE watermarks SET value = @value, updated_at = @now WHERE name = @key AND value = @mark",
            new
            {
                key = PulseService.DispatchMark, mark, now,
                value = $"running:{now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}",
            }, cancellationToken: ct)) == 1;
    }
}
