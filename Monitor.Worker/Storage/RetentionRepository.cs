using Dapper;

namespace Monitor.Worker.Storage;

/// <summary>
/// Deletes what is older than a cutoff, in batches of at most <c>batch</c> rows per statement, so that no
/// delete holds a long lock (SQLite has one writer) or a long transaction. Each method returns the rows deleted.
/// </summary>
public sealed class RetentionRepository(Database db)
{
    /// <summary>Job runs started before <paramref name="before"/>, except each job's latest run and latest success.</summary>
    public async Task<int> PruneJobRunsAsync(DateTimeOffset before, int batch, CancellationToken ct = default)
    {
        IEnumerable<JobKeep> jobs;
        await using (var c = await db.OpenAsync(ct))
        {
            jobs = await c.QueryAsync<JobKeep>(new CommandDefinition(
                """
                SELECT job, MAX(started_at) AS last_started_at,
                       MAX(CASE WHEN success THEN started_at + duration_ms END) AS last_success_at
                FROM job_runs GROUP BY job
                """, cancellationToken: ct));
        }
        // What the metrics read (LatestAsync) stays whatever its age: a weekly probe keeps its health.
        var deleted = 0;
        foreach (var j in jobs)
        {
            var cutoff = j.LastStartedAt < before ? j.LastStartedAt : before;
            deleted += await DeleteAsync("job_runs",
                "job = @Job AND started_at < @cutoff AND NOT (success AND started_at + duration_ms >= @LastSuccessAt)",
                new { j.Job, cutoff, LastSuccessAt = j.LastSuccessAt ?? DateTimeOffset.MaxValue }, batch, ct);
        }
        return deleted;
    }

    /// <summary>Outbox messages sent before <paramref name="before"/>.</summary>
    public Task<int> PruneSentOutboxAsync(DateTimeOffset before, int batch, CancellationToken ct = default) =>
        DeleteAsync("outbox", "sent_at < @before", new { before }, batch, ct);

    /// <summary>Fetches of pulse answer links before <paramref name="before"/>.</summary>
    public Task<int> PruneLinkHitsAsync(DateTimeOffset before, int batch, CancellationToken ct = default) =>
        DeleteAsync("pulse_link_hits", "hit_at < @before", new { before }, batch, ct);

    /// <summary>Pulses closed before <paramref name="before"/>.</summary>
    public Task<int> PruneClosedPulsesAsync(DateTimeOffset before, int batch, CancellationToken ct = default) =>
        DeleteAsync("pulses", "closed_at < @before", new { before }, batch, ct);

    /// <summary>State changes before <paramref name="before"/>.</summary>
    public Task<int> PruneStateChangesAsync(DateTimeOffset before, int batch, CancellationToken ct = default) =>
        DeleteAsync("state_changes", "changed_at < @before", new { before }, batch, ct);

    /// <summary>Signals observed before <paramref name="before"/>.</summary>
    public Task<int> PruneSignalsAsync(DateTimeOffset before, int batch, CancellationToken ct = default) =>
        DeleteAsync("signals", "observed_at < @before", new { before }, batch, ct);

    /// <summary>
    /// Users removed from the directory before <paramref name="before"/>, with their state, acknowledgement
    /// and evaluation mark; their signals and state changes go by their own settings.
    /// </summary>
    public async Task<int> PruneRemovedUsersAsync(DateTimeOffset before, int batch, CancellationToken ct = default)
    {
        var deleted = 0;
        while (true)
        {
            await using var c = await db.OpenAsync(ct);
            await using var tx = await c.BeginTransactionAsync(ct);
            var ids = (await c.QueryAsync<string>(new CommandDefinition(
                "SELECT id FROM users WHERE removed_at < @before LIMIT @batch", new { before, batch }, tx,
                cancellationToken: ct))).ToList();
            foreach (var table in (string[])["user_states", "acknowledgements", "dirty_users"])
            {
                await c.ExecuteChunkedAsync($"DELETE FROM {table} WHERE {db.Dialect.InChunk("user_id")}", ids, tx: tx, ct: ct);
            }
            deleted += await c.ExecuteChunkedAsync($"DELETE FROM users WHERE {db.Dialect.InChunk("id")}", ids, tx: tx, ct: ct);
            await tx.CommitAsync(ct);
            if (ids.Count < batch) return deleted;
        }
    }

    /// <summary>Blanks the comments of signals observed before <paramref name="before"/>; the signals (scores) stay.</summary>
    public Task<int> BlankCommentsAsync(DateTimeOffset before, int batch, CancellationToken ct = default) =>
        UpdateAsync("signals", "comment = NULL", "comment IS NOT NULL AND observed_at < @before", new { before }, batch, ct);

    /// <summary>Blanks the notes of visits before <paramref name="before"/> (by <c>visited_at</c>); the visits stay.</summary>
    public Task<int> BlankVisitNotesAsync(DateTimeOffset before, int batch, CancellationToken ct = default) =>
        // '' rather than NULL: "no note" and "note removed" read alike wherever notes are shown.
        UpdateAsync("visits", "notes = ''", "notes IS NOT NULL AND notes <> '' AND visited_at < @before", new { before }, batch, ct);

    /// <summary>The thank-you page's answers (factor, lost time) given before <paramref name="before"/>.</summary>
    public Task<int> PrunePulseFeedbackAsync(DateTimeOffset before, int batch, CancellationToken ct = default) =>
        DeleteAsync("pulse_feedback", "answered_at < @before", new { before }, batch, ct);

    /// <summary>
    /// Links of a person's feedback to an action made before <paramref name="before"/>. A link outlives its signal's
    /// own pruning for a while (the action still says what it answers) but not the signal retention after the link.
    /// </summary>
    public Task<int> PruneActionLinksAsync(DateTimeOffset before, int batch, CancellationToken ct = default) =>
        DeleteAsync("action_signals", "linked_at < @before", new { before }, batch, ct);

    /// <summary>Records of who was told about a shipped action, told before <paramref name="before"/>.</summary>
    public Task<int> PruneActionNotificationsAsync(DateTimeOffset before, int batch, CancellationToken ct = default) =>
        DeleteAsync("action_notifications", "notified_at < @before", new { before }, batch, ct);

    /// <summary>Invitations to a lunch made before <paramref name="before"/> (an attended lunch is also a visit, which stays).</summary>
    public Task<int> PruneLunchInviteesAsync(DateTimeOffset before, int batch, CancellationToken ct = default) =>
        DeleteAsync("lunch_invitees", "invited_at < @before", new { before }, batch, ct);

    private async Task<int> UpdateAsync(string table, string set, string where, object parameters, int batch, CancellationToken ct)
    {
        var rowId = db.Dialect.RowId;
        var sql = $"UPDATE {table} SET {set} WHERE {rowId} IN (SELECT {rowId} FROM {table} WHERE {where} LIMIT @batch)";
        var p = new DynamicParameters(parameters);
        p.Add("batch", batch);
        var updated = 0;
        await using var c = await db.OpenAsync(ct);
        while (true)
        {
            var n = await c.ExecuteAsync(new CommandDefinition(sql, p, cancellationToken: ct));
            updated += n;
            if (n < batch) return updated;
        }
    }

    // The physical row id names the rows of a batch on both stores, whatever the table's key.
    private async Task<int> DeleteAsync(string table, string where, object parameters, int batch, CancellationToken ct)
    {
        var rowId = db.Dialect.RowId;
        var sql = $"DELETE FROM {table} WHERE {rowId} IN (SELECT {rowId} FROM {table} WHERE {where} LIMIT @batch)";
        var p = new DynamicParameters(parameters);
        p.Add("batch", batch);
        var deleted = 0;
        await using var c = await db.OpenAsync(ct);
        while (true)
        {
            var n = await c.ExecuteAsync(new CommandDefinition(sql, p, cancellationToken: ct));
            deleted += n;
            if (n < batch) return deleted;
        }
    }

    private sealed class JobKeep
    {
        public string Job { get; set; } = "";
        public DateTimeOffset LastStartedAt { get; set; }
        public DateTimeOffset? LastSuccessAt { get; set; }
    }
}
