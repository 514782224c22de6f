using Dapper;
using Monitor.Core.Signals;
using Monitor.Core.Users;
using Monitor.Core.Value;
using Monitor.Probes.Pulse;
using Monitor.Worker.Storage;

namespace Monitor.Worker.Value;

/// <summary>The answers to pulses of the <c>value</c> set, with the answerer's current rank and department.</summary>
public sealed class ValueRepository(Database db)
{
    /// <summary>
    /// Answers observed in (<paramref name="from"/>, <paramref name="to"/>] by people still in the directory. An answer is a
    /// <c>pulse_answer</c> signal whose source names a pulse of the value set: <c>pulse:&lt;id&gt;</c> for the first
    /// question, <c>pulse:&lt;id&gt;:q&lt;n&gt;</c> for question n.
    /// </summary>
    public async Task<IReadOnlyList<ValueAnswer>> AnswersAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<Row>(new CommandDefinition(
            """
            SELECT s.user_id, u.user_rank, u.department, s.source, p.id AS pulse_id, s.score, s.observed_at
            FROM signals s
            JOIN pulses p ON p.user_id = s.user_id AND p.question_set = @set
            JOIN users u ON u.id = s.user_id AND u.removed_at IS NULL
            WHERE s.kind = @kind AND s.observed_at > @from AND s.observed_at <= @to
              AND (s.source = 'pulse:' || p.id OR s.source LIKE 'pulse:' || p.id || ':q%')
            """, new { set = PulseQuestions.Value, kind = SignalKinds.PulseAnswer, from, to }, cancellationToken: ct));
        var answers = new List<ValueAnswer>();
        foreach (var r in rows)
        {
            if (ValueAlignment.DimensionOf(QuestionIndex(r.Source, r.PulseId)) is not { } dimension) continue;
            if (!Enum.TryParse<Rank>(r.UserRank, out var rank)) continue;
            answers.Add(new ValueAnswer(r.UserId, rank, r.Department, dimension, r.Score, r.ObservedAt));
        }
        return answers;
    }

    /// <summary>The 0-based question of a source (<see cref="PulseService.PulseSource"/>); -1 when it is not one.</summary>
    internal static int QuestionIndex(string source, string pulseId)
    {
        var prefix = "pulse:" + pulseId;
        if (source == prefix) return 0;
        return source.StartsWith(prefix + ":q", StringComparison.Ordinal) &&
               int.TryParse(source.AsSpan(prefix.Length + 2), System.Globalization.NumberStyles.None, null, out var n) && n >= 2
            ? n - 1
            : -1;
    }

    private sealed class Row
    {
        public string UserId { get; set; } = "";
        public string UserRank { get; set; } = "";
        public string Department { get; set; } = "";
        public string Source { get; set; } = "";
        public string PulseId { get; set; } = "";
        public double Score { get; set; }
        public DateTimeOffset ObservedAt { get; set; }
    }
}
