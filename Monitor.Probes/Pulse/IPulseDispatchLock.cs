namespace Monitor.Probes.Pulse;

/// <summary>
/// At most one pulse dispatch at a time across every replica and every way of starting one (the schedule, a manual run, the
/// resume after a crash). The lock dies with its holder, so a crashed dispatch never blocks the next one: the next one can
/// start at once instead of waiting for a scheduler to notice the dead node (issue 13).
/// </summary>
public interface IPulseDispatchLock
{
    /// <summary>The held lock (dispose to release), or null when another dispatch holds it now.</summary>
    Task<IAsyncDisposable?> TryAcquireAsync(CancellationToken cancellationToken);
}
