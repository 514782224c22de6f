using Monitor.Core.Pulses;
using Monitor.Core.Users;

namespace Monitor.Probes.Pulse.Channels;

/// <summary>
/// One way pulses reach people (e-mail first). A channel owns its message format and its sender: it renders
/// a <see cref="ComposedPulse"/> into a message when the outbox sender is about to deliver it, and delivers claimed
/// outbox messages. Retries, leases and backoff belong to the outbox sender, not to the channel.
/// Register one with <see cref="PulseChannelRegistration.AddPulseChannel{TChannel, TOptions}"/>.
/// </summary>
public interface IPulseChannel
{
    /// <summary>The name <c>Pulse:Channel</c> selects and the outbox's <c>channel</c> column stores.</summary>
    string Name { get; }

    /// <summary>Whether this person has an address on this channel.</summary>
    bool CanReach(User user);

    /// <summary>
    /// The recipient and the message text of a pulse, rendered by the outbox sender just before delivery (and stored in the outbox
    /// only for a pulse with a subject of its own). Deterministic for a pulse and a person: a message sent again after a crash is
    /// the same message.
    /// </summary>
    OutboxPayload Render(ComposedPulse pulse);

    /// <summary>
    /// Delivers a claimed batch, adding each message to <paramref name="delivered"/> as soon as it has gone,
    /// and throws when the rest cannot go now (the sender retries what is not in <paramref name="delivered"/>).
    /// Called by several send loops at once (<c>Mail:Outbox:Connections</c>), each with its own batch.
    /// </summary>
    Task DeliverAsync(IReadOnlyList<OutboxMessage> batch, ICollection<OutboxMessage> delivered, CancellationToken cancellationToken);
}

/// <summary>What a channel stores in the outbox for one pulse.</summary>
public sealed record OutboxPayload(string Recipient, string Message);
