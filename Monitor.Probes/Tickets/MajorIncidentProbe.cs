using System.Globalization;
using Microsoft.Extensions.Logging;
using Monitor.Core.Ports;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

namespace Monitor.Probes.Tickets;

/// <summary>
/// Reads a ticket system's major incidents incrementally (watermark <c>major_incidents_&lt;system&gt;</c>, the newest
/// update applied) and opens or resolves the monitor's incidents: an accepted one opens, a resolved, closed, cancelled or
/// rejected one resolves. Reading again is harmless: the store keeps one incident per ticket.
/// </summary>
public sealed class MajorIncidentProbe(
    IMajorIncidentSource source,
    TicketSystemOptions options,
    IMajorIncidentSink sink,
    IWatermarkStore watermarks,
    ILogger<MajorIncidentProbe> logger,
    TimeProvider time) : IProbe
{
    public string Name { get; } = "major_incidents_" + source.System;

    public async Task<ProbeResult> RunAsync(CancellationToken cancellationToken)
    {
        var stored = await watermarks.GetAsync(Name, cancellationToken);
        var watermark = stored is not null
            && DateTimeOffset.TryParse(stored, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed)
            ? parsed
            : time.GetUtcNow() - options.InitialLookback;
        var done = watermark;
        // Never past the start of the run (TicketProbe): an incident updated "in 9999" would stop every later read.
        var started = time.GetUtcNow();
        var counts = new Dictionary<MajorIncidentOutcome, int>();
        string? failure = null;
        try
        {
            await foreach (var incident in source.MajorIncidentsUpdatedSinceAsync(watermark - options.Overlap, cancellationToken))
            {
                var outcome = await sink.ApplyAsync(source.System, incident, cancellationToken);
                counts[outcome] = counts.GetValueOrDefault(outcome) + 1;
                if (incident.UpdatedAt > done) done = incident.UpdatedAt < started ? incident.UpdatedAt : started;
            }
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException or BrokenCircuitException
                                       or RateLimiterRejectedException or TicketPayloadException or TicketAuthenticationException
                                       || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.LogWarning(e, "{Probe} stopped", Name);
            failure = $"{Name}: {e.Message}";
        }
        if (done > watermark)
            await watermarks.SetAsync(Name, done.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture), CancellationToken.None);
        var summary = string.Join(", ", Enum.GetValues<MajorIncidentOutcome>().Select(o => $"{counts.GetValueOrDefault(o)} {o}"));
        return failure is null ? ProbeResult.Ok(summary) : ProbeResult.Failed($"{failure} ({summary})");
    }
}
