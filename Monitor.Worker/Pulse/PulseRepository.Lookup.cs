using Dapper;
using Monitor.Core.Ports;

namespace Monitor.Worker.Pulse;

/// <summary>The read of a click on a pulse link: one statement instead of four (pulse, locale, link fetches, feedback).</summary>
public sealed partial class PulseRepository
{
    // One round trip per click matters at load (docs/benchmarks.md, "Pulse answers"): read apart, the pulse, the person's
    // locale, the recent fetches of the pulse's links and the stored feedback each took a pooled connection and a round trip.
    private const string Lookup =
        """
        SELECT p.id, p.user_id, p.question_set, p.reason, p.created_at, p.expires_at, p.sent_at, p.answered_at, p.honeypot_at,
            (SELECT COUNT(DISTINCT h.answer) FROM pulse_link_hits h WHERE h.pulse_id = p.id AND h.hit_at >= @since) AS answers_fetched,
            u.locale, f.factor, f.lost_time
        FROM pulses p
        LEFT JOIN users u ON u.id = p.user_id AND u.removed_at IS NULL
        LEFT JOIN pulse_feedback f ON f.pulse_id = p.id AND f.question = @question
        WHERE p.id = @id
        """;

    public async Task<PulseLookup?> LookupAsync(Guid id, int question, DateTimeOffset since, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var r = await c.QuerySingleOrDefaultAsync<LookupRow>(new CommandDefinition(Lookup,
            new { id = id.ToString(), question, since }, cancellationToken: ct));
        return r is null ? null : new PulseLookup(r.ToRecord(), (int)r.AnswersFetched, Complete: true, r.Locale, r.Factor, r.LostTime);
    }

    private sealed class LookupRow : PulseRow
    {
        public long AnswersFetched { get; set; }
        public string? Locale { get; set; }
        public string? Factor { get; set; }
        public string? LostTime { get; set; }
    }
}
