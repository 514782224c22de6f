using System.Data.Common;
using Dapper;
using Monitor.Core.Pulses;
using Monitor.Core.Signals;
using Monitor.Worker.Exporter;
using Monitor.Worker.Storage;

namespace Monitor.Worker.Pulse;

/// <summary>
/// What settles a pulse, each in one transaction (docs/reliability.md): an answer (its signal, the pulse answered, the
/// feedback) and an expiry (the pulse closed, its no-answer signal). Written separately, a fault between the writes
/// left a signal without its pulse answered, or a pulse closed without its signal.
/// </summary>
public sealed partial class PulseRepository
{
    private const string SignalInsert =
        """
        INSERT INTO signals (user_id, kind, source, score, weight, observed_at, comment, received_at)
        VALUES (@UserId, @Kind, @Source, @Score, @Weight, @ObservedAt, @Comment, @now)
        """;

    private const string ReplaceAnswer = SignalInsert +
        """

        ON CONFLICT (user_id, kind, source) DO UPDATE SET score = excluded.score, weight = excluded.weight,
            observed_at = excluded.observed_at, comment = excluded.comment, received_at = excluded.received_at
        RETURNING comment
        """;

    // A click on an answer link carries no comment: the one written on the thank-you page stays (issue 13 item 7).
    private const string ReplaceAnswerKeepComment = SignalInsert +
        """

        ON CONFLICT (user_id, kind, source) DO UPDATE SET score = excluded.score, weight = excluded.weight,
            observed_at = excluded.observed_at, received_at = excluded.received_at
        RETURNING comment
        """;

    private const string MarkDirty =
        "INSERT INTO dirty_users (user_id, marked_at) VALUES (@UserId, @now) ON CONFLICT (user_id) DO NOTHING";

    private const string MarkAnswered = "UPDATE pulses SET answered_at = COALESCE(answered_at, @now) WHERE id = @id";

    private const string UpsertFeedback =
        """
        INSERT INTO pulse_feedback (pulse_id, question, user_id, sentiment, factor, lost_time, answered_at)
        VALUES (@id, @Question, @UserId, @Sentiment, @Factor, @LostTime, @now)
        ON CONFLICT (pulse_id, question) DO UPDATE SET sentiment = excluded.sentiment, factor = excluded.factor,
            lost_time = excluded.lost_time, answered_at = excluded.answered_at
        """;

    // The statements of an answer go as one command. On PostgreSQL that is one round trip: Npgsql sends them with a single
    // Sync, and PostgreSQL runs everything up to a Sync as one implicit transaction, committed at the Sync or rolled back
    // whole on the first error; BEGIN and COMMIT around it took a second round trip. SQLite keeps its explicit transaction.
    private static readonly string AnswerKeepCommentBatch = string.Join(";\n", ReplaceAnswerKeepComment, MarkDirty, MarkAnswered);
    private static readonly string AnswerFeedbackBatch = string.Join(";\n", ReplaceAnswer, MarkDirty, MarkAnswered, UpsertFeedback);
    // The form saved without a factor or lost time: an earlier save's would otherwise stay, with the side of an answer since changed.
    private static readonly string AnswerNoFeedbackBatch = string.Join(";\n", ReplaceAnswer, MarkDirty, MarkAnswered,
        "DELETE FROM pulse_feedback WHERE pulse_id = @id AND question = @Question");

    public async Task<string?> RecordAnswerAsync(PulseAnswerWrite a, CancellationToken ct)
    {
        var s = a.Signal;
        if (s.Validate() is { } problem) throw new ArgumentException($"Invalid signal for '{s.UserId}': {problem}", nameof(a));
        var now = s.ObservedAt;
        var f = a.Feedback;
        var sql = f is not null ? AnswerFeedbackBatch : a.KeepComment ? AnswerKeepCommentBatch : AnswerNoFeedbackBatch;
        await using var c = await db.OpenAsync(ct);
        await using var tx = db.IsPostgres ? null : await c.BeginTransactionAsync(ct);
        string? comment = null;
        await using (var reader = await c.ExecuteReaderAsync(new CommandDefinition(sql, new
        {
            s.UserId, s.Kind, s.Source, s.Score, s.Weight, s.ObservedAt, s.Comment, now, id = a.PulseId.ToString(), a.Question,
            f?.Sentiment, f?.Factor, f?.LostTime,
        }, tx, cancellationToken: ct)))
        {
            // Only the upsert returns a row (its comment); reading every result runs every statement on both providers.
            do
            {
                while (await reader.ReadAsync(ct)) comment = await reader.IsDBNullAsync(0, ct) ? null : reader.GetString(0);
            }
            while (await reader.NextResultAsync(ct));
        }
        if (tx is not null) await tx.CommitAsync(ct);
        return comment;
    }

    public async Task<IReadOnlyList<PulseRecord>> CloseExpiredAsync(DateTimeOffset now, Func<PulseRecord, Signal> noAnswer,
        CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var rows = (await c.QueryAsync<PulseRow>(new CommandDefinition(
            """
            SELECT id, user_id, question_set, reason, created_at, expires_at, sent_at, answered_at, honeypot_at FROM pulses
            WHERE closed_at IS NULL AND expires_at <= @now
            """, new { now }, tx, cancellationToken: ct))).ToList();
        // A pulse never sent (a mail outage longer than its life) was no question to answer: closed without a signal.
        var unanswered = rows.Where(r => r.AnsweredAt is null && r.SentAt is not null).Select(r => r.ToRecord()).ToList();
        // Built and checked before anything is written: a bad setting (a NaN weight) fails the run and closes nothing.
        var signals = unanswered.Select(noAnswer).ToList();
        foreach (var s in signals)
            if (s.Validate() is { } problem) throw new ArgumentException($"Invalid no-answer signal for '{s.UserId}': {problem}");
        await c.ExecuteChunkedAsync($"UPDATE pulses SET closed_at = @now WHERE {db.Dialect.InChunk("id")}",
            rows.Select(r => r.Id), new { now }, tx, ct);
        var stored = 0;
        foreach (var s in signals)
        {
            var inserted = await c.ExecuteAsync(new CommandDefinition(SignalInsert + " ON CONFLICT (user_id, kind, source) DO NOTHING",
                new { s.UserId, s.Kind, s.Source, s.Score, s.Weight, s.ObservedAt, s.Comment, now }, tx, cancellationToken: ct));
            if (inserted == 0) continue;
            stored++;
            await MarkDirtyAsync(c, tx, s.UserId, now, ct);
        }
        await tx.CommitAsync(ct);
        if (stored > 0) MonitorMetrics.SignalsReceived.WithLabels(SignalKinds.PulseNoAnswer).Inc(stored);
        return unanswered;
    }

    private static Task<int> MarkDirtyAsync(DbConnection c, DbTransaction tx, string userId, DateTimeOffset now, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO dirty_users (user_id, marked_at) VALUES (@userId, @now) ON CONFLICT (user_id) DO NOTHING",
            new { userId, now }, tx, cancellationToken: ct));
}
