using Monitor.Core.Pulses;

namespace Monitor.Core.Ports;

/// <summary>The transactional outbox the pulse messages wait in until their channel delivers them.</summary>
public interface IOutboxStore
{
    /// <summary>
    /// Claims up to <paramref name="limit"/> due messages until <paramref name="until"/> (a lease); concurrent
    /// senders get disjoint batches, and a batch whose sender died comes back once its lease has passed.
    /// </summary>
    Task<IReadOnlyList<OutboxMessage>> ClaimAsync(string node, DateTimeOffset now, DateTimeOffset until, int limit,
        CancellationToken cancellationToken);

    /// <summary>Marks the messages (and their pulses) sent.</summary>
    Task MarkSentAsync(IReadOnlyCollection<OutboxMessage> sent, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Gives the claimed messages back with their next attempt time.</summary>
    Task MarkFailedAsync(IReadOnlyCollection<OutboxMessage> failed, DateTimeOffset nextAttempt, string error,
        CancellationToken cancellationToken);

    /// <summary>Queues messages that belong to no pulse, in one transaction, due at <paramref name="now"/>.</summary>
    Task EnqueueAsync(IReadOnlyCollection<OutboxDraft> drafts, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Messages not sent yet, across the cluster.</summary>
    Task<long> BacklogAsync(CancellationToken cancellationToken);
}
