using Dapper;
using Monitor.Probes.Pulse;
using Monitor.Worker.Storage;

namespace Monitor.Worker.Pulse;

/// <summary>The <c>pulse_feedback</c> table on either store.</summary>
public sealed class PulseFeedbackRepository(Database db) : IPulseFeedbackStore
{
    private const string Columns = "pulse_id, question, user_id, sentiment, factor, lost_time, answered_at";

    public async Task SaveAsync(StoredFeedback f, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        // ON CONFLICT … DO UPDATE reads the same on SQLite and PostgreSQL.
        await c.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO pulse_feedback ({Columns}) VALUES (@PulseId, @Question, @UserId, @Sentiment, @Factor, @LostTime, @AnsweredAt)
            ON CONFLICT (pulse_id, question) DO UPDATE SET sentiment = excluded.sentiment, factor = excluded.factor,
                lost_time = excluded.lost_time, answered_at = excluded.answered_at
            """,
            new { PulseId = f.PulseId.ToString(), f.Question, f.UserId, f.Sentiment, f.Factor, f.LostTime, f.AnsweredAt },
            cancellationToken: ct));
    }

    public async Task<StoredFeedback?> FindAsync(Guid pulseId, int question, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM pulse_feedback WHERE pulse_id = @id AND question = @question",
            new { id = pulseId.ToString(), question }, cancellationToken: ct));
        return row?.ToRecord();
    }

    public async Task<IReadOnlyList<StoredFeedback>> SinceAsync(DateTimeOffset since, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM pulse_feedback WHERE answered_at >= @since", new { since }, cancellationToken: ct));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    private sealed class Row
    {
        public string PulseId { get; set; } = "";
        public int Question { get; set; }
        public string UserId { get; set; } = "";
        public string Sentiment { get; set; } = "";
        public string? Factor { get; set; }
        public string? LostTime { get; set; }
        public DateTimeOffset AnsweredAt { get; set; }

        public StoredFeedback ToRecord() => new(Guid.Parse(PulseId), Question, UserId, Sentiment, Factor, LostTime, AnsweredAt);
    }
}
