using Monitor.Core.Evaluation;
using Monitor.Core.Ports;
using Monitor.Core.Users;
using Monitor.Worker.Storage;

namespace Monitor.Worker.Privacy;

/// <summary>Answers access and erasure requests: everything held about one person, and its deletion, both audited.</summary>
public sealed class PersonalData(
    UserRepository users,
    StateRepository states,
    AcknowledgementRepository acknowledgements,
    PersonalDataRepository data,
    AuditRepository audit,
    TimeProvider time)
{
    /// <summary>Everything held about <paramref name="userId"/>, or null when the store holds nothing about them.</summary>
    public async Task<PersonalExport?> ExportAsync(string userId, string actor, CancellationToken ct)
    {
        var user = await users.FindAsync(userId, ct);
        var signals = await data.SignalsAsync(userId, ct);
        var pulses = await data.PulsesAsync(userId, ct);
        var status = await states.FindAsync(userId, ct);
        var linked = await data.LinkedAsync(userId, ct);
        // Visits or feedback links can outlive the directory record: they alone are still an answer to give.
        if (user is null && signals.Count == 0 && pulses.Count == 0 && status is null && linked.Values.All(r => r.Count == 0)) return null;
        // Recorded first, so that the export shows its own entry with the others about the person.
        await audit.RecordAsync(new AuditEntry(time.GetUtcNow(), actor, AuditActions.ExportUser, userId), ct);
        return new PersonalExport(
            userId,
            time.GetUtcNow(),
            user,
            status,
            (await acknowledgements.LoadAsync([userId], ct)).GetValueOrDefault(userId),
            signals,
            await states.ChangesAsync(userId, DateTimeOffset.MinValue, int.MaxValue, ct),
            pulses,
            await audit.QueryAsync(DateTimeOffset.MinValue, null, userId, AuditRepository.MaxLimit, ct),
            linked);
    }

    /// <summary>Erases the person's data (see <see cref="PersonalDataRepository.EraseAsync"/>) and records who did.</summary>
    public async Task<ErasureCounts?> EraseAsync(string userId, string actor, CancellationToken ct)
    {
        var known = await users.FindAsync(userId, ct) is not null;
        var counts = await data.EraseAsync(userId, ct);
        var total = counts.Signals + counts.StateChanges + counts.Acknowledgements + counts.Pulses + counts.Linked.Values.Sum();
        if (!known && total == 0) return null;
        var detail = $"{counts.Signals} signals, {counts.StateChanges} state changes, {counts.Acknowledgements} acknowledgements, " +
                     $"{counts.Pulses} pulses" + string.Concat(counts.Linked.Select(l => $", {l.Value} {l.Key}"));
        await audit.RecordAsync(new AuditEntry(time.GetUtcNow(), actor, AuditActions.EraseUser, userId, detail), ct);
        return counts;
    }
}

/// <summary>The answer to an access request, as JSON.</summary>
/// <param name="Linked">
/// Rows of other features' tables by table (visits, lunch invitations, thank-you page answers, feedback linked to an action,
/// "you said, we did" notes sent); their times as stored (Unix ms).
/// </param>
public sealed record PersonalExport(
    string UserId,
    DateTimeOffset ExportedAt,
    User? Directory,
    UserStatus? State,
    Acknowledgement? Acknowledgement,
    IReadOnlyList<PersonalSignal> Signals,
    IReadOnlyList<StateChange> StateChanges,
    IReadOnlyList<PersonalPulse> Pulses,
    IReadOnlyList<AuditEntry> Audit,
    IReadOnlyDictionary<string, List<IDictionary<string, object?>>> Linked);
