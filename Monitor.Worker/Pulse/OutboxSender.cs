using Microsoft.Extensions.Options;
using Monitor.Core.Ports;
using Monitor.Core.Pulses;
using Monitor.Probes.Pulse.Channels;
using Monitor.Worker.Exporter;
using Monitor.Worker.Scheduling;
using Polly;
using Polly.Retry;

namespace Monitor.Worker.Pulse;

/// <summary>
/// Drains the outbox, one per replica: claims a batch under a lease, hands each message to the channel
/// that rendered it, marks what went. A failed delivery is retried (Polly, exponential backoff) and,
/// failing that, handed back to the outbox with a later attempt time; nothing is dropped.
/// </summary>
public sealed class OutboxSender(IOutboxStore outbox, PulseChannels channels, IOptions<MailOptions> options, NodeIdentity node,
    TimeProvider time, ILogger<OutboxSender> logger) : BackgroundService
{
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
        logger.LogInformation("Outbox sender started: channels {Channels}; e-mail via {Transport}", string.Join(", ", channels.Names),
            channels.Find(EmailChannel.ChannelName) is EmailChannel email ? email.Transport : "(not registered)");
        while (!stoppingToken.IsCancellationRequested)
        {
            var sent = 0;
            try
            {
                sent = await DrainOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Outbox: draining failed; retrying later");
            }
            if (sent == 0)
            {
                try
                {
                    await Task.Delay(O.PollInterval, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    /// <summary>Delivers one claimed batch, channel by channel; returns how many messages went.</summary>
    public async Task<int> DrainOnceAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var batch = await outbox.ClaimAsync(node.Id, now, now + O.Lease, O.BatchSize, ct);
        var sent = 0;
        foreach (var group in batch.GroupBy(m => m.Channel, StringComparer.Ordinal))
            sent += await DeliverAsync(group.Key, group.ToList(), ct);
        return sent;
    }

    private async Task<int> DeliverAsync(string name, List<OutboxMessage> batch, CancellationToken ct)
    {
        var sent = new List<OutboxMessage>();
        try
        {
            // A message whose channel is not registered here (a replica with another build) waits, like a failed send.
            var channel = channels.Find(name) ?? throw new InvalidOperationException($"no channel '{name}' is registered");
            await _retry.ExecuteAsync(async token => await channel.DeliverAsync(batch.Except(sent).ToList(), sent, token), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var failed = batch.Except(sent).ToList();
            var attempts = failed.Max(m => m.Attempts) + 1;
            var backoff = TimeSpan.FromSeconds(Math.Min(O.MaxBackoff.TotalSeconds, Math.Pow(2, Math.Min(attempts, 20))));
            logger.LogWarning("Outbox: {Count} {Channel} messages not sent ({Error}); next attempt in {Backoff}", failed.Count, name,
                e.Message, backoff);
            await outbox.MarkFailedAsync(failed, time.GetUtcNow() + backoff, e.Message, CancellationToken.None);
        }
        await outbox.MarkSentAsync(sent, time.GetUtcNow(), CancellationToken.None);
        MonitorMetrics.PulsesSent.Inc(sent.Count);
        return sent.Count;
    }
}
