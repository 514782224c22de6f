using Dapper;
using Monitor.Core.Actions;
using Monitor.Worker.Storage;

namespace Monitor.Worker.Actions;

/// <summary>Comment search, follow-ups and the figures the metrics read.</summary>
public sealed partial class ActionRepository
{
    /// <summary>
    /// Signals whose comment contains <paramref name="text"/> (case-insensitive, '%' and '_' taken literally),
    /// newest first, at most <see cref="CommentLimit"/>.
    /// </summary>
    public async Task<IReadOnlyList<CommentedSignal>> SearchCommentsAsync(string text, CancellationToken ct)
    {
        var pattern = "%" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal) + "%";
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<CommentedSignal>(new CommandDefinition(
            $"""
            SELECT {CommentColumns} FROM signals
            WHERE comment IS NOT NULL AND LOWER(comment) LIKE LOWER(@pattern) ESCAPE '\'
            ORDER BY observed_at DESC LIMIT @limit
            """, new { pattern, limit = CommentLimit }, cancellationToken: ct));
        return rows.ToList();
    }

    /// <summary>One person's signals that carry a comment, newest first.</summary>
    public async Task<IReadOnlyList<CommentedSignal>> CommentsOfAsync(string userId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<CommentedSignal>(new CommandDefinition(
            $"""
            SELECT {CommentColumns} FROM signals WHERE user_id = @userId AND comment IS NOT NULL AND comment <> ''
            ORDER BY observed_at DESC LIMIT @limit
            """, new { userId, limit = CommentLimit }, cancellationToken: ct));
        return rows.ToList();
    }

    /// <summary>The observation time of the oldest signal linked to the action, while kept.</summary>
    public async Task<DateTimeOffset?> FirstFeedbackAtAsync(Guid actionId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return StoreTime.FromMs(await ScalarAsync<long?>(c,
            """
            SELECT MIN(s.observed_at) FROM action_signals l
            JOIN signals s ON s.user_id = l.user_id AND s.kind = l.kind AND s.source = l.source WHERE l.action_id = @id
            """, new { id = actionId.ToString() }, ct));
    }

    /// <summary>People told about an action shipped before <paramref name="cutoff"/> who have had no follow-up yet.</summary>
    public async Task<IReadOnlyList<FollowUpDue>> FollowUpsDueAsync(DateTimeOffset cutoff, int limit, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<(string ActionId, string UserId, string Title)>(new CommandDefinition(
            """
            SELECT n.action_id, n.user_id, a.title FROM action_notifications n JOIN actions a ON a.id = n.action_id
            WHERE n.follow_up_at IS NULL AND a.shipped_at <= @cutoff ORDER BY a.shipped_at LIMIT @limit
            """, new { cutoff, limit }, cancellationToken: ct));
        return rows.Select(r => new FollowUpDue(Guid.Parse(r.ActionId), r.UserId, r.Title)).ToList();
    }

    /// <summary>Takes the follow-up of one person for one action; false when another replica took it first.</summary>
    public async Task<bool> ClaimFollowUpAsync(Guid actionId, string userId, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(
            "UPDATE action_notifications SET follow_up_at = @now WHERE action_id = @id AND user_id = @userId AND follow_up_at IS NULL",
            new { id = actionId.ToString(), userId, now }, cancellationToken: ct)) == 1;
    }

    public async Task SetFollowUpPulseAsync(Guid actionId, string userId, Guid pulseId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE action_notifications SET follow_up_pulse_id = @pulseId WHERE action_id = @id AND user_id = @userId",
            new { id = actionId.ToString(), userId, pulseId = pulseId.ToString() }, cancellationToken: ct));
    }

    /// <summary>Follow-up pulses sent for the action, and the scores of those answered (their first question).</summary>
    public async Task<FollowUpResults> FollowUpResultsAsync(Guid actionId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var id = actionId.ToString();
        var sent = await ScalarAsync<long>(c,
            "SELECT COUNT(*) FROM action_notifications WHERE action_id = @id AND follow_up_pulse_id IS NOT NULL", new { id }, ct);
        var scores = await c.QueryAsync<double>(new CommandDefinition(
            """
            SELECT s.score FROM action_notifications n
            JOIN pulses p ON p.id = n.follow_up_pulse_id
            JOIN signals s ON s.user_id = n.user_id AND s.kind = 'pulse_answer' AND s.source = 'pulse:' || n.follow_up_pulse_id
            WHERE n.action_id = @id AND p.answered_at IS NOT NULL
            """, new { id }, cancellationToken: ct));
        return new FollowUpResults((int)sent, scores.ToList());
    }

    /// <summary>Open and shipped actions, and when the last one shipped.</summary>
    public async Task<(long Open, long Shipped, DateTimeOffset? LastShipped)> CountsAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleAsync<(long Open, long Shipped, long? Last)>(new CommandDefinition(
            """
            SELECT COALESCE(SUM(CASE WHEN shipped_at IS NULL THEN 1 ELSE 0 END), 0),
                   COALESCE(SUM(CASE WHEN shipped_at IS NULL THEN 0 ELSE 1 END), 0), MAX(shipped_at) FROM actions
            """, cancellationToken: ct));
        return (row.Open, row.Shipped, StoreTime.FromMs(row.Last));
    }

    /// <summary>
    /// Negative signals with a comment, observed between <paramref name="windowStart"/> and <paramref name="olderThan"/>,
    /// that no action links: feedback nobody answered.
    /// </summary>
    public async Task<long> FeedbackWithoutActionAsync(DateTimeOffset windowStart, DateTimeOffset olderThan, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await ScalarAsync<long>(c,
            """
            SELECT COUNT(*) FROM signals s
            WHERE s.score < 0 AND s.comment IS NOT NULL AND s.comment <> '' AND s.observed_at > @windowStart AND s.observed_at <= @olderThan
              AND NOT EXISTS (SELECT 1 FROM action_signals l WHERE l.user_id = s.user_id AND l.kind = s.kind AND l.source = s.source)
            """, new { windowStart, olderThan }, ct);
    }
}

/// <summary>One person's follow-up pulse that is due for a shipped action.</summary>
public sealed record FollowUpDue(Guid ActionId, string UserId, string Title);

/// <summary>Follow-up pulses sent for an action and the scores of the answered ones.</summary>
public sealed record FollowUpResults(int Sent, IReadOnlyList<double> Scores);
