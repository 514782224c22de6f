using Microsoft.Extensions.Options;
using Monitor.Core.Ports;
using Monitor.Core.Pulses;
using Monitor.Probes.Pulse.Channels;
using Monitor.Worker.Exporter;
using Monitor.Worker.Scheduling;
using Monitor.Worker.Storage;
using Polly;
using Polly.Retry;

namespace Monitor.Worker.Pulse;

/// <summary>
/// Drains the outbox with <c>Mail:Outbox:Connections</c> send loops per replica, each with its own mail connection. Each loop
/// claims a batch under a short lease (renewed while sending, <see cref="OutboxLease"/>), renders the pulses queued without their message
/// (<see cref="OutboxPulseRenderer"/>), hands each message to its channel, marks what went. A failed delivery is retried (Polly, exponential
/// backoff) and, failing that, handed back to the outbox with a later attempt time; nothing is dropped. On shutdown it
/// claims nothing more and finishes the batch in flight, stopping only shortly before the host's shutdown limit; what was
/// delivered is marked and the rest handed back for the next start (docs/reliability.md).
/// </summary>
public sealed class OutboxSender(IOutboxStore outbox, PulseChannels channels, IOptions<MailOptions> options, NodeIdentity node,
    TimeProvider time, ILogger<OutboxSender> logger, IOptions<HostOptions>? host = null, IHostApplicationLifetime? lifetime = null,
    OutboxWakeup? wakeup = null, OutboxPulseRenderer? renderer = null)
    : BackgroundService
{
    private readonly CancellationTokenSource _abort = new();

    // A store outage fails every loop's every poll: one line now and then, without the stack, instead of one trace each time.
    private readonly LogThrottle _unavailable = new(TimeSpan.FromSeconds(30));

    private OutboxOptions O => options.Value.Outbox;

    private readonly ResiliencePipeline _retry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            MaxRetryAttempts = 3,
            Delay = TimeSpan.FromMilliseconds(200),
        })
        .Build();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var loops = O.Connections;
        logger.LogInformation("Outbox sender started: {Loops} send loops; channels {Channels}; e-mail via {Transport}", loops,
            string.Join(", ", channels.Names), channels.Find(EmailChannel.ChannelName) is EmailChannel email ? email.Transport : "(not registered)");
        // Stopping starts when the application does (other services stop first, in turn): claim nothing more from then on.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime?.ApplicationStopping ?? default);
        await using var onStop = stopping.Token.Register(StopSendingBeforeTheLimit);
        // Each loop claims its own batches (the claim gives concurrent claimants disjoint rows) and sends them over its own
        // connection, so that one loop's round trips to the mail server overlap another's work.
        await Task.WhenAll(Enumerable.Range(0, loops).Select(_ => Task.Run(() => SendLoopAsync(stopping.Token), CancellationToken.None)));
    }

    private async Task SendLoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            // Taken before claiming: a commit while this loop is busy wakes it as soon as it goes idle.
            var woken = wakeup?.Next;
            var sent = 0;
            try
            {
                // Pulses settled as not to be sent count as progress too: the next batch is claimed at once.
                var (went, settled) = await DrainOnceAsync(stopping, _abort.Token);
                sent = went + settled;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (StoreFaults.IsUnavailable(e))
            {
                if (_unavailable.Due(out var times))
                    logger.LogWarning("Outbox: the store is unavailable ({Reason}); {Count} attempt(s) to drain failed since the last report, retrying",
                        StoreFaults.Reason(e), times);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Outbox: draining failed; retrying later");
            }
            if (sent == 0)
            {
                try
                {
                    await IdleAsync(woken, stopping);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    // Until the poll interval has passed, or a dispatch in this process committed (other replicas' messages wait for the poll).
    private async Task IdleAsync(Task? woken, CancellationToken stopping)
    {
        if (woken is null)
        {
            await Task.Delay(O.PollInterval, time, stopping);
            return;
        }
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        await Task.WhenAny(woken.WaitAsync(waiting.Token), Task.Delay(O.PollInterval, time, waiting.Token));
        await waiting.CancelAsync();
        stopping.ThrowIfCancellationRequested();
    }

    // The batch in flight goes on until shortly before the host gives up, leaving time to mark what went.
    private void StopSendingBeforeTheLimit()
    {
        var limit = host?.Value.ShutdownTimeout ?? TimeSpan.FromSeconds(20);
        var margin = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(5).Ticks, limit.Ticks / 4));
        _abort.CancelAfter(limit - margin);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        StopSendingBeforeTheLimit();
        await using var hardStop = cancellationToken.Register(_abort.Cancel);
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        base.Dispose();
        _abort.Dispose();
    }

    /// <summary>Delivers one claimed batch, channel by channel; returns how many messages went.</summary>
    public async Task<int> DrainOnceAsync(CancellationToken ct) => (await DrainOnceAsync(ct, ct)).Sent;

    // How many went, and how many pulses were settled as not to be sent (OutboxPulseRenderer).
    private async Task<(int Sent, int NotSent)> DrainOnceAsync(CancellationToken claiming, CancellationToken sending)
    {
        // A token per claim, not per replica: the renewal, the marks and the release touch this claim's rows only.
        var claimant = $"{node.Id}/{Guid.NewGuid():N}";
        var now = time.GetUtcNow();
        var batch = await outbox.ClaimAsync(claimant, now, now + O.Lease, Math.Max(O.ClaimSize, O.BatchSize), claiming);
        if (batch.Count == 0) return (0, 0);
        await using var lease = new OutboxLease(outbox, claimant, O.Lease, now + O.Lease, time, logger);
        using var send = CancellationTokenSource.CreateLinkedTokenSource(sending, lease.Lost);
        // Pulses queued without their message are rendered here, by this loop, just before they go.
        var ready = renderer is null ? batch : await renderer.RenderAsync(claimant, batch, time.GetUtcNow(), send.Token);
        var sent = 0;
        foreach (var group in ready.GroupBy(m => m.Channel, StringComparer.Ordinal))
            sent += await DeliverAsync(claimant, group.Key, group.ToList(), claiming, send.Token);
        return (sent, batch.Count - ready.Count);
    }

    // Sent and marked BatchSize at a time, so that a sender killed outright sends at most that many again. A failure hands back
    // everything of the claim not yet sent; so does stopping, once the part in flight is finished and marked.
    private async Task<int> DeliverAsync(string claimant, string name, List<OutboxMessage> claimed, CancellationToken stopping,
        CancellationToken ct)
    {
        var sent = new List<OutboxMessage>();
        var chunk = new List<OutboxMessage>();
        try
        {
            // A message whose channel is not registered here (a replica with another build) waits, like a failed send.
            var channel = channels.Find(name) ?? throw new InvalidOperationException($"no channel '{name}' is registered");
            foreach (var part in claimed.Chunk(O.BatchSize))
            {
                if (stopping.IsCancellationRequested)
                {
                    var rest = Without(claimed, sent);
                    logger.LogInformation("Outbox: stopping; {Sent} {Channel} messages of the claim sent, {Rest} handed back", sent.Count,
                        name, rest.Count);
                    await outbox.ReleaseAsync(claimant, rest, CancellationToken.None);
                    break;
                }
                await _retry.ExecuteAsync(async token => await channel.DeliverAsync(chunk.Count == 0 ? part : Without(part, chunk), chunk, token), ct);
                await MarkAsync(claimant, name, chunk);
                sent.AddRange(chunk);
                chunk.Clear();
            }
        }
        catch (Exception e) when (ct.IsCancellationRequested)
        {
            // The shutdown limit, or the lease lost: what went is marked below, the rest is due again at once.
            var rest = Without(claimed, sent, chunk);
            logger.LogWarning("Outbox: sending {Channel} stopped ({Reason}); {Sent} sent, {Rest} handed back", name, e.GetType().Name,
                sent.Count + chunk.Count, rest.Count);
            await outbox.ReleaseAsync(claimant, rest, CancellationToken.None);
        }
        catch (Exception e) when (Without(claimed, sent, chunk) is { Count: > 0 } failed)
        {
            var attempts = failed.Max(m => m.Attempts) + 1;
            var backoff = TimeSpan.FromSeconds(Math.Min(O.MaxBackoff.TotalSeconds, Math.Pow(2, Math.Min(attempts, 20))));
            logger.LogWarning("Outbox: {Count} {Channel} messages not sent ({Error}); next attempt in {Backoff}", failed.Count, name,
                e.Message, backoff);
            await outbox.MarkFailedAsync(claimant, failed, time.GetUtcNow() + backoff, e.Message, CancellationToken.None);
        }
        await MarkAsync(claimant, name, chunk);
        sent.AddRange(chunk);
        MonitorMetrics.PulsesSent.Inc(sent.Count);
        return sent.Count;
    }

    // The messages of a claim not in the others, by id. Not by the record's equality: that hashes and compares every field, the
    // whole message text included, and it was 1.3 % of the worker's CPU in a warm round (docs/benchmarks.md, ninth round).
    private static List<OutboxMessage> Without(IEnumerable<OutboxMessage> all, params List<OutboxMessage>[] done)
    {
        var ids = new HashSet<Guid>();
        foreach (var list in done)
            foreach (var m in list) ids.Add(m.Id);
        return all.Where(m => !ids.Contains(m.Id)).ToList();
    }

    // Marks what went (not cancellable: it was delivered), what the claim still holds.
    private async Task MarkAsync(string claimant, string name, List<OutboxMessage> delivered)
    {
        if (delivered.Count == 0) return;
        var marked = await outbox.MarkSentAsync(claimant, delivered, time.GetUtcNow(), CancellationToken.None);
        if (marked < delivered.Count)
        {
            logger.LogWarning("Outbox: {Count} delivered {Channel} messages were no longer held by this sender (lease lost)",
                delivered.Count - marked, name);
        }
    }
}
