namespace Monitor.Core.Pulses;

/// <summary>One pulse sent to one person.</summary>
public sealed record PulseRecord(Guid Id, string UserId, string QuestionSet, string Reason, DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt, DateTimeOffset? SentAt = null, DateTimeOffset? AnsweredAt = null, DateTimeOffset? HoneypotAt = null);

/// <summary>Why a pulse was created (the <c>reason</c> column).</summary>
public static class PulseReasons
{
    public const string Scheduled = "scheduled";
    public const string FollowUp = "follow_up";
    public const string Manual = "manual";
}

/// <summary>A pulse to create, with the message its channel rendered for the outbox.</summary>
/// <param name="Channel">The name of the channel that renders and delivers the message (<c>email</c>, …).</param>
/// <param name="Recipient">The channel's address of the person (an e-mail address for e-mail).</param>
/// <param name="Message">The channel's own payload, stored as text until the channel delivers it.</param>
public sealed record NewPulse(PulseRecord Pulse, string Channel, string Recipient, string Message);

/// <summary>A message in the outbox, as claimed by a sender.</summary>
public sealed record OutboxMessage(Guid Id, Guid? PulseId, string Channel, string Recipient, string Message, int Attempts);

/// <summary>
/// A message that is not a pulse (a digest for IT staff, a "you said, we did" note), queued in the same outbox
/// and delivered by the same channel with the same retries.
/// </summary>
public sealed record OutboxDraft(string Channel, string Recipient, string Message);
