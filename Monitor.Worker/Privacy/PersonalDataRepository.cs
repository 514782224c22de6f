using System.Data.Common;
using Dapper;
using Monitor.Worker.Storage;

namespace Monitor.Worker.Privacy;

/// <summary>
/// Everything the store holds about one person, read for an access request and deleted for an erasure. Tables of
/// other features that hold a <c>user_id</c> are in <see cref="LinkedTables"/>: a new one is added there (and to the
/// retention job), which the schema test checks against every migration.
/// </summary>
public sealed class PersonalDataRepository(Database db)
{
    /// <summary>Tables other features add that hold rows about a person by <c>user_id</c>.</summary>
    public static readonly string[] LinkedTables = ["visits", "lunch_invitees", "pulse_feedback", "action_signals", "action_notifications",
        "downtime_users"];

    /// <summary>The tables read and erased here with their own queries (the directory's <c>users</c> stays).</summary>
    public static readonly string[] CoreTables =
        ["signals", "dirty_users", "user_states", "state_changes", "acknowledgements", "pulses", "audit_log", "users"];

    public async Task<IReadOnlyList<PersonalSignal>> SignalsAsync(string userId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<PersonalSignal>(new CommandDefinition(
            "SELECT kind, source, score, weight, observed_at, received_at, comment FROM signals WHERE user_id = @userId " +
            "ORDER BY observed_at", new { userId }, cancellationToken: ct))).ToList();
    }

    public async Task<IReadOnlyList<PersonalPulse>> PulsesAsync(string userId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<PersonalPulse>(new CommandDefinition(
            "SELECT id, question_set, reason, created_at, expires_at, sent_at, answered_at, closed_at FROM pulses " +
            "WHERE user_id = @userId ORDER BY created_at", new { userId }, cancellationToken: ct))).ToList();
    }

    /// <summary>Rows of the linked tables, by table; times stay as stored (Unix milliseconds).</summary>
    public async Task<Dictionary<string, List<IDictionary<string, object?>>>> LinkedAsync(string userId, CancellationToken ct)
    {
        var result = new Dictionary<string, List<IDictionary<string, object?>>>(StringComparer.Ordinal);
        foreach (var table in LinkedTables)
        {
            await using var c = await db.OpenAsync(ct);
            var rows = await c.QueryAsync(new CommandDefinition($"SELECT * FROM {table} WHERE user_id = @userId", new { userId },
                cancellationToken: ct));
            result[table] = rows.Select(r => (IDictionary<string, object?>)new Dictionary<string, object?>(
                (IDictionary<string, object?>)r, StringComparer.Ordinal)).ToList();
        }
        return result;
    }

    /// <summary>
    /// Deletes, in one transaction, the person's signals (with their comments), evaluation state, state changes,
    /// acknowledgement, pulses with their link fetches and queued messages, notes addressed to them, and their rows of
    /// the linked tables. Aggregates computed from them are not stored, so nothing else changes.
    /// The directory record stays (the directory owns it and the next sync would bring it back); so does the audit log.
    /// </summary>
    public async Task<ErasureCounts> EraseAsync(string userId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var p = new { userId };
        var signals = await Exec(c, tx, "DELETE FROM signals WHERE user_id = @userId", p, ct);
        var changes = await Exec(c, tx, "DELETE FROM state_changes WHERE user_id = @userId", p, ct);
        var acks = await Exec(c, tx, "DELETE FROM acknowledgements WHERE user_id = @userId", p, ct);
        await Exec(c, tx, "DELETE FROM user_states WHERE user_id = @userId", p, ct);
        await Exec(c, tx, "DELETE FROM dirty_users WHERE user_id = @userId", p, ct);
        const string OfPulses = "(SELECT id FROM pulses WHERE user_id = @userId)";
        var hits = await Exec(c, tx, $"DELETE FROM pulse_link_hits WHERE pulse_id IN {OfPulses}", p, ct);
        // Queued and sent messages carry the address and the greeting: they go with the pulse.
        var messages = await Exec(c, tx, $"DELETE FROM outbox WHERE pulse_id IN {OfPulses}", p, ct);
        // So do notes to the person that are not pulses ("you said, we did"), by the address the directory holds.
        messages += await Exec(c, tx,
            "DELETE FROM outbox WHERE pulse_id IS NULL AND recipient IN (SELECT email FROM users WHERE id = @userId)", p, ct);
        var pulses = await Exec(c, tx, "DELETE FROM pulses WHERE user_id = @userId", p, ct);
        var other = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var table in LinkedTables) other[table] = await Exec(c, tx, $"DELETE FROM {table} WHERE user_id = @userId", p, ct);
        await tx.CommitAsync(ct);
        return new ErasureCounts(signals, changes, acks, pulses, hits, messages, other);
    }

    private static Task<int> Exec(DbConnection c, DbTransaction tx, string sql, object p, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(sql, p, tx, cancellationToken: ct));
}

/// <summary>A signal as held, comment included.</summary>
public sealed class PersonalSignal
{
    public string Kind { get; set; } = "";
    public string Source { get; set; } = "";
    public double Score { get; set; }
    public double Weight { get; set; }
    public DateTimeOffset ObservedAt { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public string? Comment { get; set; }
}

/// <summary>A pulse sent to the person and what became of it.</summary>
public sealed class PersonalPulse
{
    public string Id { get; set; } = "";
    public string QuestionSet { get; set; } = "";
    public string Reason { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public DateTimeOffset? AnsweredAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
}

/// <summary>What an erasure deleted, by kind; <see cref="Linked"/> by table of other features.</summary>
public sealed record ErasureCounts(int Signals, int StateChanges, int Acknowledgements, int Pulses, int LinkFetches,
    int Messages, IReadOnlyDictionary<string, int> Linked);
