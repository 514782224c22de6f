namespace Monitor.Worker.Pulse;

/// <summary>
/// Tells this process's outbox sender that messages were just committed, so that it claims them at once instead of at its
/// next poll (<c>Mail:Outbox:PollInterval</c>). Other replicas still find them by polling.
/// </summary>
public sealed class OutboxWakeup : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    /// <summary>Called after a commit that queued messages; signals repeated before the sender wakes count once.</summary>
    public void Notify()
    {
        try
        {
            if (_signal.CurrentCount == 0) _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Another notifier got there first: the sender is woken either way.
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for a notification (consumed only when one came); true when one came.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);

    public void Dispose() => _signal.Dispose();
}
