using Monitor.Core.Pulses;

namespace Monitor.Core.Ports;

/// <summary>The transactional outbox the pulse messages wait in until their channel delivers them.</summary>
public interface IOutboxStore
{
    /// <summary>
    /// Claims up to <paramref name="limit"/> due messages until <paramref name="until"/> (a lease) for
    /// <paramref name="claimant"/>, a token unique to this claim; concurrent senders get disjoint batches, and a batch
    /// whose sender died comes back once its lease has passed.
    /// </summary>
    Task<IReadOnlyList<OutboxMessage>> ClaimAsync(string claimant, DateTimeOffset now, DateTimeOffset until, int limit,
        CancellationToken cancellationToken);

    /// <summary>
    /// Extends the lease of the claimant's unsent messages to <paramref name="until"/>; returns how many it still holds
    /// (0: the lease ran out and another sender took the batch, or everything was marked).
    /// </summary>
    Task<int> RenewAsync(string claimant, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Marks the messages (and their pulses) sent, those the claimant still holds; returns how many.</summary>
    Task<int> MarkSentAsync(string claimant, IReadOnlyCollection<OutboxMessage> sent, DateTimeOffset now,
        CancellationToken cancellationToken);

    /// <summary>Gives the claimant's messages back with their next attempt time.</summary>
    Task MarkFailedAsync(string claimant, IReadOnlyCollection<OutboxMessage> failed, DateTimeOffset nextAttempt, string error,
        CancellationToken cancellationToken);

    /// <summary>Gives the claimant's messages back, due at once and without counting an attempt (a sender shutting down).</summary>
    Task ReleaseAsync(string claimant, IReadOnlyCollection<OutboxMessage> messages, CancellationToken cancellationToken);

    /// <summary>Queues messages that belong to no pulse, in one transaction, due at <paramref name="now"/>.</summary>
    Task EnqueueAsync(IReadOnlyCollection<OutboxDraft> drafts, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Messages not sent yet, across the cluster.</summary>
    Task<long> BacklogAsync(CancellationToken cancellationToken);
}
