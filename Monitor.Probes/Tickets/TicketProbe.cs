using System.Globalization;
using Microsoft.Extensions.Logging;
using Monitor.Core;
using Monitor.Core.Ports;
using Monitor.Core.Signals;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

namespace Monitor.Probes.Tickets;

/// <summary>
/// Pulls one ticket system incrementally and turns its tickets into signals. The watermark (key
/// <c>tickets_&lt;system&gt;</c>, the newest fully processed ticket update, round-trip ISO 8601) only moves past
/// tickets whose signals were written; a run that fails part-way resumes at the first unfinished ticket.
/// </summary>
public sealed class TicketProbe(
    ITicketConnector connector,
    TicketSystemOptions options,
    ISignalSink sink,
    IUserLookup users,
    IWatermarkStore watermarks,
    TicketSignalMapper mapper,
    ILogger<TicketProbe> logger,
    TimeProvider? timeProvider = null) : IProbe
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly string _name = "tickets_" + connector.System;

    public string Name => _name;

    public async Task<ProbeResult> RunAsync(CancellationToken cancellationToken)
    {
        var stored = await watermarks.GetAsync(Name, cancellationToken);
        var watermark = stored is not null
            && DateTimeOffset.TryParse(stored, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed)
            ? parsed
            : _time.GetUtcNow() - options.InitialLookback;
        var done = watermark;
        var run = new RunCounts();
        // The watermark never passes the start of the run: a ticket dated in the future (9999, a clock far ahead) would
        // otherwise move it there, and every later run would ask for tickets updated after that and read none.
        var started = _time.GetUtcNow();
        try
        {
            var held = false;
            await foreach (var fetch in connector.FetchUpdatedSinceAsync(watermark - options.Overlap, cancellationToken))
            {
                if (fetch.CutShort is { } reason)
                {
                    held = true;
                    logger.LogWarning("{Probe}: {Reason}; the tickets read are stored but the watermark stays at {Watermark}",
                        _name, LogSafe.Value(reason), done.ToString("O", CultureInfo.InvariantCulture));
                    TicketMetrics.RecordsRejected.WithLabels(Name).Inc();
                    run.Rejected++;
                    continue;
                }
                var at = fetch.Ticket is { } ticket ? await ProcessAsync(ticket, run, cancellationToken) : Reject(fetch.Rejection!, run);
                if (at > done && !held) done = at.Value < started ? at.Value : started;
            }
        }
        catch (TicketAuthenticationException e)
        {
            return await FailAsync(e.Message, done, watermark, run, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException or BrokenCircuitException
                                       or RateLimiterRejectedException or TicketPayloadException
                                       || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.LogWarning(e, "{Probe} stopped after {Tickets} tickets", _name, run.Tickets);
            return await FailAsync($"{_name}: {e.Message}", done, watermark, run, cancellationToken);
        }
        catch
        {
            // Anything else (the sink, the directory, cancellation) propagates, but the tickets done so far stay done.
            await SaveAsync(done, watermark, CancellationToken.None);
            throw;
        }
        await SaveAsync(done, watermark, cancellationToken);
        var summary = $"{run.Tickets} tickets, {run.Comments} comments, {run.Stored} signals stored, " +
                      $"{run.UnknownRequesters} unknown requesters, {run.Rejected} rejected";
        if (logger.IsEnabled(LogLevel.Information)) logger.LogInformation("{Probe} done: {Summary}", _name, summary);
        return ProbeResult.Ok(summary);
    }

    /// <returns>The time the watermark may move to: this ticket is done.</returns>
    private async Task<DateTimeOffset?> ProcessAsync(TicketRecord ticket, RunCounts run, CancellationToken cancellationToken)
    {
        run.Tickets++;
        TicketMetrics.TicketsProcessed.WithLabels(Name).Inc();
        // Malformed records of a readable ticket (the connector logged each with the ticket id): counted, and the
        // ticket's other records still count.
        if (ticket.RejectedRecords.Count > 0)
        {
            TicketMetrics.RecordsRejected.WithLabels(Name).Inc(ticket.RejectedRecords.Count);
            run.Rejected += ticket.RejectedRecords.Count;
        }
        var user = string.IsNullOrWhiteSpace(ticket.RequesterEmail)
            ? null
            : await users.FindByEmailAsync(ticket.RequesterEmail, cancellationToken);
        if (user is null)
        {
            // Someone not (or no longer) in the directory: nothing to record, and nothing wrong.
            run.UnknownRequesters++;
            if (logger.IsEnabled(LogLevel.Debug))
                logger.LogDebug("{Probe} ticket {TicketId}: requester not in the directory", _name, LogSafe.Value(ticket.Id));
            return ticket.UpdatedAt;
        }
        var (signals, comments) = mapper.Map(connector.System, user.Id, ticket, options.MinimumSentimentConfidence);
        var valid = new List<Signal>(signals.Count);
        foreach (var signal in signals)
        {
            if (TicketSignalMapper.Problem(signal, _time.GetUtcNow()) is { } problem)
            {
                logger.LogWarning("{Probe} ticket {TicketId}: signal {Source} rejected: {Problem}",
                    _name, LogSafe.Value(ticket.Id), LogSafe.Value(signal.Source), LogSafe.Value(problem));
                TicketMetrics.RecordsRejected.WithLabels(Name).Inc();
                run.Rejected++;
            }
            else valid.Add(signal);
        }
        if (valid.Count > 0) run.Stored += (await sink.WriteAsync(valid, cancellationToken)).Stored;
        run.Comments += comments;
        TicketMetrics.CommentsProcessed.WithLabels(Name).Inc(comments);
        return ticket.UpdatedAt;
    }

    private DateTimeOffset? Reject(TicketRejection rejection, RunCounts run)
    {
        logger.LogWarning("{Probe} skipped malformed ticket {TicketId}: {Reason}",
            _name, LogSafe.Value(rejection.TicketId) ?? "(unknown)", LogSafe.Value(rejection.Reason));
        TicketMetrics.RecordsRejected.WithLabels(Name).Inc();
        run.Rejected++;
        // Re-reading it would fail the same way, so the watermark may pass it once its time is known.
        return rejection.UpdatedAt;
    }

    private async Task<ProbeResult> FailAsync(
        string message, DateTimeOffset done, DateTimeOffset watermark, RunCounts run, CancellationToken cancellationToken)
    {
        await SaveAsync(done, watermark, cancellationToken);
        return ProbeResult.Failed(run.Tickets > 0 ? $"{message} (after {run.Tickets} tickets)" : message);
    }

    private async Task SaveAsync(DateTimeOffset done, DateTimeOffset watermark, CancellationToken cancellationToken)
    {
        if (done > watermark)
            await watermarks.SetAsync(Name, done.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture), cancellationToken);
    }

    private sealed class RunCounts
    {
        public int Tickets;
        public int Comments;
        public int Stored;
        public int UnknownRequesters;
        public int Rejected;
    }
}
