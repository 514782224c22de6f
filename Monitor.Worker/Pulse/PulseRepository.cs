using Dapper;
using Monitor.Core.Ports;
using Monitor.Core.Pulses;
using Monitor.Worker.Storage;

namespace Monitor.Worker.Pulse;

/// <summary>Pulses, the fetches of their links, and the outbox their messages wait in: the store behind the pulse ports.</summary>
public sealed partial class PulseRepository(Database db, OutboxWakeup? wakeup = null) : IPulseStore, IOutboxStore
{
    /// <summary>
    /// Writes pulses and their outgoing messages in one transaction: all or none. Binary COPY on PostgreSQL (no statement to
    /// parse, no parameter per value), a prepared insert per row on SQLite (<see cref="StoreDialect.CopyManyAsync{T}"/>).
    /// </summary>
    public async Task CreateManyAsync(IReadOnlyCollection<NewPulse> pulses, CancellationToken ct)
    {
        if (pulses.Count == 0) return;
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await db.Dialect.CopyManyAsync(c, tx, "pulses", "id, user_id, question_set, reason, created_at, expires_at", pulses,
            n => [n.Pulse.Id.ToString(), n.Pulse.UserId, n.Pulse.QuestionSet, n.Pulse.Reason, n.Pulse.CreatedAt, n.Pulse.ExpiresAt], ct);
        await db.Dialect.CopyManyAsync(c, tx, "outbox",
            "id, pulse_id, channel, recipient, message, created_at, attempts, next_attempt_at", pulses,
            n => [Guid.CreateVersion7().ToString(), n.Pulse.Id.ToString(), n.Channel, n.Recipient, n.Message, n.Pulse.CreatedAt, 0,
                n.Pulse.CreatedAt], ct);
        await tx.CommitAsync(ct);
        wakeup?.Notify();
    }

    public async Task EnqueueAsync(IReadOnlyCollection<OutboxDraft> drafts, DateTimeOffset now, CancellationToken ct)
    {
        if (drafts.Count == 0) return;
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO outbox (id, pulse_id, channel, recipient, message, created_at, attempts, next_attempt_at)
            VALUES (@Id, NULL, @Channel, @Recipient, @Message, @now, 0, @now)
            """, drafts.Select(d => new { Id = Guid.CreateVersion7().ToString(), d.Channel, d.Recipient, d.Message, now }),
            tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        wakeup?.Notify();
    }

    public async Task<PulseRecord?> FindAsync(Guid id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var r = await c.QuerySingleOrDefaultAsync<PulseRow>(new CommandDefinition(
            "SELECT id, user_id, question_set, reason, created_at, expires_at, sent_at, answered_at, honeypot_at"
                + " FROM pulses WHERE id = @id",
            new { id = id.ToString() }, cancellationToken: ct));
        return r?.ToRecord();
    }

    /// <summary>The pulses of these ids (the outbox sender renders their messages).</summary>
    public async Task<IReadOnlyList<PulseRecord>> FindManyAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryChunkedAsync<PulseRow>(
            "SELECT id, user_id, question_set, reason, created_at, expires_at, sent_at, answered_at, honeypot_at"
                + $" FROM pulses WHERE {db.Dialect.InChunk("id")}",
            ids.Select(i => i.ToString()), ct: ct);
        return rows.Select(r => r.ToRecord()).ToList();
    }

    /// <summary>
    /// Settles claimed pulse messages that will not be sent (the person left the directory, unsubscribed or has no address on the
    /// channel any more): the outbox row leaves the backlog with the reason in <c>last_error</c> and no <c>sent_at</c> on its pulse,
    /// and the pulse is closed, so that its expiry records no "no answer" for a question never asked. Returns the rows settled.
    /// </summary>
    public Task<int> SettleUnsentAsync(string claimant, IReadOnlyCollection<OutboxMessage> unsent, string reason, DateTimeOffset now,
        CancellationToken ct) =>
        SettleAsync(claimant, unsent, now, reason,
            $"UPDATE pulses SET closed_at = @now WHERE {db.Dialect.In("id", "pulses")} AND sent_at IS NULL AND closed_at IS NULL", ct);

    /// <summary>When each person last got a pulse.</summary>
    public async Task<Dictionary<string, DateTimeOffset>> LastPulseByUserAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<(string UserId, DateTimeOffset At)>(new CommandDefinition(
            "SELECT user_id, MAX(created_at) FROM pulses GROUP BY user_id", cancellationToken: ct));
        return rows.ToDictionary(r => r.UserId, r => r.At, StringComparer.Ordinal);
    }

    /// <summary>Acknowledged users whose acknowledgement is older than <paramref name="cutoff"/> and who had no pulse since.</summary>
    public async Task<HashSet<string>> FollowUpsDueAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<string>(new CommandDefinition(
            """
            SELECT a.user_id FROM acknowledgements a
            WHERE a.created_at <= @cutoff
              AND NOT EXISTS (SELECT 1 FROM pulses p WHERE p.user_id = a.user_id AND p.created_at > a.created_at)
            """, new { cutoff }, cancellationToken: ct));
        return rows.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Logs a fetch of an answer link; returns the distinct answers of the pulse fetched since <paramref name="since"/>.</summary>
    public async Task<int> RecordLinkHitAsync(Guid pulseId, int answer, DateTimeOffset now, DateTimeOffset since, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var id = pulseId.ToString();
        // One row per answer per window is all the scanner check reads (distinct answers since @since), so a link
        // fetched over and over does not grow the table: a repeat inside the window inserts nothing.
        await c.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO pulse_link_hits (pulse_id, answer, hit_at)
            SELECT @id, @answer, @now
            WHERE NOT EXISTS (SELECT 1 FROM pulse_link_hits WHERE pulse_id = @id AND answer = @answer AND hit_at >= @since)
            """,
            new { id, answer, now, since }, cancellationToken: ct));
        return await c.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(DISTINCT answer) FROM pulse_link_hits WHERE pulse_id = @id AND hit_at >= @since",
            new { id, since }, cancellationToken: ct));
    }

    public async Task<int> DistinctAnswersFetchedAsync(Guid pulseId, DateTimeOffset since, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(DISTINCT answer) FROM pulse_link_hits WHERE pulse_id = @id AND hit_at >= @since",
            new { id = pulseId.ToString(), since }, cancellationToken: ct));
    }

    public async Task MarkHoneypotAsync(Guid pulseId, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition("UPDATE pulses SET honeypot_at = @now WHERE id = @id",
            new { id = pulseId.ToString(), now }, cancellationToken: ct));
    }

    public async Task MarkAnsweredAsync(Guid pulseId, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE pulses SET answered_at = COALESCE(answered_at, @now) WHERE id = @id",
            new { id = pulseId.ToString(), now }, cancellationToken: ct));
    }

    /// <summary>
    /// Answered pulses over pulses that were answered or expired after being sent, created since <paramref name="since"/>; null
    /// when none. A pulse closed without being sent (the person left or unsubscribed first) asked nobody anything.
    /// </summary>
    public async Task<double?> ResponseRatioAsync(DateTimeOffset since, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var r = await c.QuerySingleAsync<(long Answered, long Settled)>(new CommandDefinition(
            """
            SELECT CAST(COALESCE(SUM(CASE WHEN answered_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT),
                   CAST(COALESCE(SUM(CASE WHEN answered_at IS NOT NULL OR (closed_at IS NOT NULL AND sent_at IS NOT NULL)
                       THEN 1 ELSE 0 END), 0) AS BIGINT)
            FROM pulses WHERE created_at >= @since
            """, new { since }, cancellationToken: ct));
        return r.Settled == 0 ? null : (double)r.Answered / r.Settled;
    }

    /// <summary>
    /// Claims up to <paramref name="limit"/> due messages until <paramref name="until"/> for <paramref name="claimant"/> (stored in
    /// <c>claimed_by</c>). On PostgreSQL concurrent senders skip each other's locked rows, so replicas take disjoint batches.
    /// </summary>
    public async Task<IReadOnlyList<OutboxMessage>> ClaimAsync(
        string claimant, DateTimeOffset now, DateTimeOffset until, int limit, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<OutboxRow>(new CommandDefinition(ClaimSql, new { claimant, now, until, limit }, cancellationToken: ct));
        return rows.Select(r => new OutboxMessage(Guid.Parse(r.Id), r.PulseId is null ? null : Guid.Parse(r.PulseId), r.Channel,
            r.Recipient, r.Message, r.Attempts)).ToList();
    }

    // "ORDER BY sent_at, next_attempt_at" is the order of ix_outbox_due, so the claim walks that index from the oldest due
    // message and stops after @limit rows. Every row it can return has sent_at NULL, so sent_at changes nothing in the order,
    // but PostgreSQL's planner does not take "sent_at IS NULL" as fixing the index's first column: ordered by next_attempt_at
    // alone, each claim read every due row and sorted them to keep @limit (the whole backlog per claim, issue 13's eighth
    // round in docs/benchmarks.md). SQLite used the index either way.
    internal string ClaimSql => $"""
        UPDATE outbox SET claimed_by = @claimant, claimed_until = @until
        WHERE id IN (
            SELECT id FROM outbox
            WHERE sent_at IS NULL AND next_attempt_at <= @now AND (claimed_until IS NULL OR claimed_until < @now)
            ORDER BY sent_at, next_attempt_at LIMIT @limit {db.Dialect.SkipLocked})
        RETURNING id, pulse_id, channel, recipient, message, attempts
        """;

    public Task<int> MarkSentAsync(string claimant, IReadOnlyCollection<OutboxMessage> sent, DateTimeOffset now, CancellationToken ct) =>
        SettleAsync(claimant, sent, now, error: null,
            $"UPDATE pulses SET sent_at = @now WHERE {db.Dialect.In("id", "pulses")} AND sent_at IS NULL", ct);

    // Takes claimed messages out of the backlog (sent_at, with the error why when not sent) and updates their pulses, in one
    // transaction; returns the outbox rows settled. Only what this claim still holds: a sender whose lease ran out must not
    // settle the batch another sender now owns.
    private async Task<int> SettleAsync(string claimant, IReadOnlyCollection<OutboxMessage> messages, DateTimeOffset now, string? error,
        string pulsesUpdate, CancellationToken ct)
    {
        if (messages.Count == 0) return 0;
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var ids = messages.Select(m => m.Id.ToString()).ToArray();
        var pulses = messages.Where(m => m.PulseId is not null).Select(m => m.PulseId!.Value.ToString()).ToArray();
        var settled = await c.ExecuteAsync(new CommandDefinition(
            "UPDATE outbox SET sent_at = @now, claimed_until = NULL, attempts = attempts + 1, last_error = @error"
                + $" WHERE {db.Dialect.In("id", "ids")} AND claimed_by = @claimant AND sent_at IS NULL",
            new { ids, now, claimant, error }, tx, cancellationToken: ct));
        if (pulses.Length > 0) await c.ExecuteAsync(new CommandDefinition(pulsesUpdate, new { pulses, now }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return settled;
    }

    /// <summary>Gives the claimant's messages back with their next attempt time.</summary>
    public async Task MarkFailedAsync(
        string claimant, IReadOnlyCollection<OutboxMessage> failed, DateTimeOffset nextAttempt, string error, CancellationToken ct)
    {
        if (failed.Count == 0) return;
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE outbox SET attempts = attempts + 1, next_attempt_at = @next, claimed_by = NULL, claimed_until = NULL, last_error = @error
            WHERE {db.Dialect.In("id", "ids")} AND claimed_by = @claimant AND sent_at IS NULL
            """,
            new
            {
                claimant,
                ids = failed.Select(m => m.Id.ToString()).ToArray(),
                next = nextAttempt,
                error = error.Length > 1000 ? error[..1000] : error,
            },
            cancellationToken: ct));
    }

    public async Task<long> BacklogAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(
            new CommandDefinition("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL", cancellationToken: ct));
    }

    private class PulseRow
    {
        public string Id { get; set; } = "";
        public string UserId { get; set; } = "";
        public string QuestionSet { get; set; } = "";
        public string Reason { get; set; } = "";
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset ExpiresAt { get; set; }
        public DateTimeOffset? SentAt { get; set; }
        public DateTimeOffset? AnsweredAt { get; set; }
        public DateTimeOffset? HoneypotAt { get; set; }

        public PulseRecord ToRecord() => new(Guid.Parse(Id), UserId, QuestionSet, Reason, CreatedAt,
            ExpiresAt, SentAt, AnsweredAt, HoneypotAt);
    }

    private sealed class OutboxRow
    {
        public string Id { get; set; } = "";
        public string? PulseId { get; set; }
        public string Channel { get; set; } = "";
        public string Recipient { get; set; } = "";
        public string Message { get; set; } = "";
        public int Attempts { get; set; }
    }
}
