using System.Text.Json;
using Dapper;
using Monitor.Core.Evaluation;

namespace Monitor.Worker.Storage;

/// <summary>Users' current states, the state-change log, and the queue of users awaiting evaluation.</summary>
public sealed class StateRepository(Database db)
{
    private const string Columns =
        "user_id, state, score, last_signal_at, flapping, flap_percent, soft_down_count, state_since, evaluated_at";

    /// <summary>
    /// Takes the users marked for evaluation off the queue. A user marked again while being evaluated
    /// stays queued for the next cycle; a crash loses the marks, which the periodic sweep makes good.
    /// </summary>
    public async Task<IReadOnlyList<string>> TakeDirtyAsync(int max, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var ids = (await c.QueryAsync<string>(new CommandDefinition(
            "DELETE FROM dirty_users WHERE user_id IN (SELECT user_id FROM dirty_users ORDER BY marked_at LIMIT @max) RETURNING user_id",
            new { max }, cancellationToken: ct))).ToList();
        return ids;
    }

    public async Task<Dictionary<string, UserStatus>> LoadAsync(IReadOnlyCollection<string> userIds, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryChunkedAsync<StateRow>(
            $"SELECT {Columns} FROM user_states WHERE {db.Dialect.InChunk("user_id")}", userIds, ct: ct);
        var result = new Dictionary<string, UserStatus>(rows.Count, StringComparer.Ordinal);
        foreach (var r in rows) result[r.UserId] = r.ToStatus();
        return result;
    }

    public async Task<UserStatus?> FindAsync(string userId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<StateRow>(new CommandDefinition(
            $"SELECT {Columns} FROM user_states WHERE user_id = @userId", new { userId }, cancellationToken: ct));
        return row?.ToStatus();
    }

    /// <summary>Writes new states, their state changes and the acknowledgements they ended, in one transaction.</summary>
    public async Task SaveAsync(IReadOnlyCollection<UserStatus> statuses, IReadOnlyCollection<StateChange> changes,
        IReadOnlyCollection<string> endedAcknowledgements, CancellationToken ct = default)
    {
        if (statuses.Count == 0 && changes.Count == 0 && endedAcknowledgements.Count == 0) return;
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        // Multi-row statements: a full sweep writes up to every user, and one round trip per row is
        // what makes that slow on a networked database.
        // Times go in as milliseconds here: a sweep writes every user, and a boxed DateTimeOffset per
        // value (converted by the dialect) would be garbage on the hottest write.
        await db.Dialect.InsertManyAsync(c, tx, $"INSERT INTO user_states ({Columns})", statuses, s =>
            [s.UserId, (int)s.State, s.Score, s.LastSignalAt.ToMs(), s.Flapping, s.FlapPercent, s.SoftDownCount, s.StateSince.ToMs(),
                s.EvaluatedAt.ToMs()],
            """
            ON CONFLICT (user_id) DO UPDATE SET state = excluded.state, score = excluded.score,
                last_signal_at = excluded.last_signal_at, flapping = excluded.flapping, flap_percent = excluded.flap_percent,
                soft_down_count = excluded.soft_down_count, state_since = excluded.state_since, evaluated_at = excluded.evaluated_at
            """, ct);
        await db.Dialect.InsertManyAsync(c, tx, "INSERT INTO state_changes (id, user_id, from_state, to_state, changed_at, score, causes)",
            changes.Select(ChangeRow.From), r => [r.Id, r.UserId, r.FromState, r.ToState, r.ChangedAt.ToMs(), r.Score, r.Causes], "", ct);
        await c.ExecuteChunkedAsync($"DELETE FROM acknowledgements WHERE {db.Dialect.InChunk("user_id")}",
            endedAcknowledgements, tx: tx, ct: ct);
        await tx.CommitAsync(ct);
    }

    public async Task<IReadOnlyList<StateChange>> ChangesAsync(string? userId, DateTimeOffset since, int limit,
        CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<ChangeRow>(new CommandDefinition(
            $"""
            SELECT id, user_id, from_state, to_state, changed_at, score, causes FROM state_changes
            WHERE changed_at >= @since {(userId is null ? "" : "AND user_id = @userId")}
            ORDER BY changed_at DESC LIMIT @limit
            """, new { userId, since, limit }, cancellationToken: ct));
        return rows.Select(r => r.ToChange()).ToList();
    }

    // Row classes rather than the records: states are stored as integers and the causes as JSON, and
    // SQLite returns every INTEGER as Int64, which Dapper's constructor mapping does not convert.
    private sealed class StateRow
    {
        public string UserId { get; set; } = "";
        public int State { get; set; }
        public double? Score { get; set; }
        public DateTimeOffset? LastSignalAt { get; set; }
        public bool Flapping { get; set; }
        public double FlapPercent { get; set; }
        public int SoftDownCount { get; set; }
        public DateTimeOffset StateSince { get; set; }
        public DateTimeOffset EvaluatedAt { get; set; }

        public UserStatus ToStatus() => new(UserId, (SatisfactionState)State, Score, LastSignalAt,
            Flapping, FlapPercent, SoftDownCount, StateSince, EvaluatedAt);
    }

    /// <summary>A stored state change as read and written (also read by the objectives' timeline).</summary>
    internal sealed class ChangeRow
    {
        public string Id { get; set; } = "";
        public string UserId { get; set; } = "";
        public int FromState { get; set; }
        public int ToState { get; set; }
        public DateTimeOffset ChangedAt { get; set; }
        public double? Score { get; set; }
        public string Causes { get; set; } = "[]";

        public static ChangeRow From(StateChange c) => new()
        {
            Id = Guid.CreateVersion7().ToString("N"), UserId = c.UserId, FromState = (int)c.From, ToState = (int)c.To,
            ChangedAt = c.ChangedAt, Score = c.Score, Causes = JsonSerializer.Serialize(c.Causes, Json.Options),
        };

        public StateChange ToChange() => new(UserId, (SatisfactionState)FromState, (SatisfactionState)ToState,
            ChangedAt, Score, JsonSerializer.Deserialize<List<SignalRef>>(Causes, Json.Options) ?? []);
    }
}
