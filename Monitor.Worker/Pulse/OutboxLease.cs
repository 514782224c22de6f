using Monitor.Core.Ports;

namespace Monitor.Worker.Pulse;

/// <summary>
/// Keeps the lease of a claimed batch alive while it is sent: renewed every third of <c>Mail:Outbox:Lease</c>, so a lease
/// can be short (a dead sender's batch is taken over within seconds) and a slow or stalled mail server never lets it lapse
/// under a healthy sender. <see cref="Lost"/> fires when another sender took the batch, or when the store could not be
/// reached before the lease ran out: the sender then stops, rather than send what another sender now owns.
/// </summary>
internal sealed class OutboxLease : IAsyncDisposable
{
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public OutboxLease(IOutboxStore outbox, string claimant, TimeSpan lease, DateTimeOffset heldUntil, TimeProvider time, ILogger logger) =>
        _loop = Task.Run(() => KeepAsync(outbox, claimant, lease, heldUntil, time, logger));

    public CancellationToken Lost => _lost.Token;

    private async Task KeepAsync(IOutboxStore outbox, string claimant, TimeSpan lease, DateTimeOffset heldUntil, TimeProvider time,
        ILogger logger)
    {
        var every = lease / 3;
        while (true)
        {
            try
            {
                await Task.Delay(every, time, _stop.Token);
                var now = time.GetUtcNow();
                if (await outbox.RenewAsync(claimant, now + lease, _stop.Token) > 0)
                {
                    heldUntil = now + lease;
                    continue;
                }
                logger.LogWarning("Outbox: the lease of claim {Claimant} was lost (another sender took the batch); stopping it", claimant);
                await _lost.CancelAsync();
                return;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                if (time.GetUtcNow() + every < heldUntil) continue;
                logger.LogWarning(e, "Outbox: the lease of claim {Claimant} could not be renewed before it ran out; stopping it", claimant);
                await _lost.CancelAsync();
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
        _lost.Dispose();
    }
}
