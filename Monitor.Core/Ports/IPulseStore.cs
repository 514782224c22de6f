using Monitor.Core.Pulses;
using Monitor.Core.Signals;

namespace Monitor.Core.Ports;

/// <summary>Pulses and the fetches of their links.</summary>
public interface IPulseStore
{
    /// <summary>Writes pulses and their outgoing messages in one transaction: all or none.</summary>
    Task CreateManyAsync(IReadOnlyCollection<NewPulse> pulses, CancellationToken cancellationToken);

    Task<PulseRecord?> FindAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>When each person last got a pulse.</summary>
    Task<Dictionary<string, DateTimeOffset>> LastPulseByUserAsync(CancellationToken cancellationToken);

    /// <summary>Acknowledged users whose acknowledgement is older than <paramref name="cutoff"/> and who had no pulse since.</summary>
    Task<HashSet<string>> FollowUpsDueAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    /// <summary>Logs a fetch of an answer link; returns the distinct answers of the pulse fetched since <paramref name="since"/>.</summary>
    Task<int> RecordLinkHitAsync(Guid pulseId, int answer, DateTimeOffset now, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>The distinct answers of the pulse fetched since <paramref name="since"/>.</summary>
    Task<int> DistinctAnswersFetchedAsync(Guid pulseId, DateTimeOffset since, CancellationToken cancellationToken);

    Task MarkHoneypotAsync(Guid pulseId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Sets the answer time unless the pulse was answered before.</summary>
    Task MarkAnsweredAsync(Guid pulseId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Records an answer in one transaction (signal, pulse answered, feedback); returns the comment the stored signal
    /// now carries (the earlier one when <see cref="PulseAnswerWrite.KeepComment"/>).
    /// </summary>
    Task<string?> RecordAnswerAsync(PulseAnswerWrite answer, CancellationToken cancellationToken);

    /// <summary>
    /// Closes pulses past their expiry and stores the no-answer signal of each one sent that nobody answered, in one
    /// transaction: a signal that cannot be built or stored leaves every pulse open. A pulse never sent is closed without one.
    /// Returns the sent pulses nobody answered.
    /// </summary>
    Task<IReadOnlyList<PulseRecord>> CloseExpiredAsync(DateTimeOffset now, Func<PulseRecord, Signal> noAnswer,
        CancellationToken cancellationToken);

    /// <summary>
    /// Answered pulses over pulses that were answered or expired, created since <paramref name="since"/>; null when none.
    /// </summary>
    Task<double?> ResponseRatioAsync(DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>
    /// The pulse with what a click on one of its links needs, in as few reads as the store can: the distinct answers
    /// fetched since <paramref name="since"/> and, when <see cref="PulseLookup.Complete"/>, the person's locale and the
    /// feedback stored for <paramref name="question"/>. Null when there is no such pulse. This default reads the pulse
    /// and the fetches only (incomplete); a database store answers in one statement.
    /// </summary>
    async Task<PulseLookup?> LookupAsync(Guid id, int question, DateTimeOffset since, CancellationToken cancellationToken) =>
        await FindAsync(id, cancellationToken) is { } pulse
            ? new PulseLookup(pulse, await DistinctAnswersFetchedAsync(id, since, cancellationToken))
            : null;
}

/// <summary>What <see cref="IPulseStore.LookupAsync"/> read.</summary>
/// <param name="Complete">Whether <paramref name="Locale"/>, <paramref name="Factor"/> and <paramref name="LostTime"/> were read
/// (null then means none); when false the caller asks the directory and the feedback store itself.</param>
public sealed record PulseLookup(PulseRecord Pulse, int AnswersFetched, bool Complete = false, string? Locale = null,
    string? Factor = null, string? LostTime = null);
