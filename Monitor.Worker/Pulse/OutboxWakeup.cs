namespace Monitor.Worker.Pulse;

/// <summary>
/// Tells this process's outbox send loops (<c>Mail:Outbox:Connections</c>) that messages were just committed, so that every
/// loop claims at once instead of at its next poll (<c>Mail:Outbox:PollInterval</c>). Other replicas still find them by polling.
/// </summary>
public sealed class OutboxWakeup
{
    // One task per generation: a notification completes it for every loop holding it and starts the next one.
    private TaskCompletionSource _next = NewGeneration();

    private static TaskCompletionSource NewGeneration() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Called after a commit that queued messages; wakes every loop waiting, and every loop that took <see cref="Next"/> before.</summary>
    public void Notify() => Interlocked.Exchange(ref _next, NewGeneration()).TrySetResult();

    /// <summary>
    /// Completes at the next notification. A loop takes it before it claims, so a commit while it is busy is not missed when it
    /// then goes idle.
    /// </summary>
    public Task Next => Volatile.Read(ref _next).Task;
}
