using System.Net.Sockets;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using MimeKit;
using Monitor.Worker.Metrics;
using Monitor.Worker.Scheduling;
using Polly;
using Polly.Retry;

namespace Monitor.Worker.Pulse;

/// <summary>
/// Drains the outbox, one per replica: claims a batch under a lease, sends it over one SMTP connection
/// (or into the pickup folder), marks what went. A failed batch is retried (Polly, exponential backoff)
/// and, failing that, handed back to the outbox with a later attempt time; nothing is dropped.
/// </summary>
public sealed class OutboxSender(PulseRepository repo, IOptions<MailOptions> options, NodeIdentity node, TimeProvider time,
    ILogger<OutboxSender> logger) : BackgroundService
{
    private readonly MailOptions _o = options.Value;

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
        logger.LogInformation("Outbox sender started: {Transport}", string.IsNullOrWhiteSpace(_o.Smtp.Host)
            ? $"pickup folder {Path.GetFullPath(_o.PickupDirectory)}" : $"SMTP {_o.Smtp.Host}:{_o.Smtp.Port}");
        while (!stoppingToken.IsCancellationRequested)
        {
            var sent = 0;
            try
            {
                sent = await DrainOnceAsync(stoppingToken);
                MonitorMetrics.OutboxBacklog.Set(await repo.BacklogAsync(stoppingToken));
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
                    await Task.Delay(_o.Outbox.PollInterval, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    /// <summary>Sends one claimed batch; returns how many messages went.</summary>
    public async Task<int> DrainOnceAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var batch = await repo.ClaimAsync(node.Id, now, now + _o.Outbox.Lease, _o.Outbox.BatchSize, ct);
        if (batch.Count == 0) return 0;
        var sent = new List<OutboxMessage>();
        try
        {
            await _retry.ExecuteAsync(async token =>
            {
                var pending = batch.Except(sent).ToList();
                if (string.IsNullOrWhiteSpace(_o.Smtp.Host)) await WritePickupAsync(pending, sent, token);
                else await SendSmtpAsync(pending, sent, token);
            }, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var failed = batch.Except(sent).ToList();
            var attempts = failed.Max(m => m.Attempts) + 1;
            var backoff = TimeSpan.FromSeconds(Math.Min(_o.Outbox.MaxBackoff.TotalSeconds, Math.Pow(2, Math.Min(attempts, 20))));
            logger.LogWarning("Outbox: {Count} messages not sent ({Error}); next attempt in {Backoff}", failed.Count, e.Message, backoff);
            await repo.MarkFailedAsync(failed, time.GetUtcNow() + backoff, e.Message, CancellationToken.None);
        }
        await repo.MarkSentAsync(sent, time.GetUtcNow(), CancellationToken.None);
        MonitorMetrics.PulsesSent.Inc(sent.Count);
        return sent.Count;
    }

    private async Task SendSmtpAsync(List<OutboxMessage> pending, List<OutboxMessage> sent, CancellationToken ct)
    {
        using var client = new SmtpClient { Timeout = (int)_o.Smtp.Timeout.TotalMilliseconds };
        // Our own socket, to turn Nagle off: with it, every message of a batch waits out the peer's
        // delayed ACK (about 40 ms), which caps one connection at some 20 messages/s.
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(_o.Smtp.Host!, _o.Smtp.Port, ct);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        await client.ConnectAsync(socket, _o.Smtp.Host!, _o.Smtp.Port, _o.Smtp.Security, ct);
        if (!string.IsNullOrEmpty(_o.Smtp.User)) await client.AuthenticateAsync(_o.Smtp.User, _o.Smtp.Password ?? "", ct);
        foreach (var m in pending)
        {
            using var message = Parse(m);
            await client.SendAsync(message, ct);
            sent.Add(m);
        }
        await client.DisconnectAsync(true, ct);
    }

    private async Task WritePickupAsync(List<OutboxMessage> pending, List<OutboxMessage> sent, CancellationToken ct)
    {
        System.IO.Directory.CreateDirectory(_o.PickupDirectory);
        foreach (var m in pending)
        {
            // Written under a temporary name and renamed, so that a pickup agent never reads half a file.
            var path = Path.Combine(_o.PickupDirectory, $"{m.Id:N}.eml");
            await File.WriteAllTextAsync(path + ".tmp", m.Message, ct);
            File.Move(path + ".tmp", path, overwrite: true);
            sent.Add(m);
        }
    }

    private static MimeMessage Parse(OutboxMessage m)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(m.Message));
        return MimeMessage.Load(stream);
    }
}
