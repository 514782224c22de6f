namespace Monitor.Probes.Pulse;

/// <summary>One pulse question's optional feedback as stored.</summary>
public sealed record StoredFeedback(Guid PulseId, int Question, string UserId, string Sentiment, string? Factor, string? LostTime,
    DateTimeOffset AnsweredAt);

/// <summary>Where the thank-you page's factor and lost time are kept (table <c>pulse_feedback</c>).</summary>
public interface IPulseFeedbackStore
{
    /// <summary>Writes or replaces the feedback of one pulse question.</summary>
    Task SaveAsync(StoredFeedback feedback, CancellationToken cancellationToken);

    Task<StoredFeedback?> FindAsync(Guid pulseId, int question, CancellationToken cancellationToken);

    /// <summary>Every feedback row answered at or after <paramref name="since"/> (for the metrics).</summary>
    Task<IReadOnlyList<StoredFeedback>> SinceAsync(DateTimeOffset since, CancellationToken cancellationToken);
}
