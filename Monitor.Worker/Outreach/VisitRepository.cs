using System.Globalization;
using Dapper;
using Monitor.Core.Outreach;
using Monitor.Core.Signals;
using Monitor.Worker.Storage;

namespace Monitor.Worker.Outreach;

/// <summary>Visits and what the outreach list and the metrics read of them, on either store.</summary>
public sealed class VisitRepository(Database db)
{
    private const string Columns = "id, user_id, kind, feeling, by_whom, visited_at, notes, follow_up_on, lunch_id";

    public async Task InsertAsync(Visit v, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(
            $"INSERT INTO visits ({Columns}, created_at) " +
            "VALUES (@Id, @UserId, @Kind, @Feeling, @By, @At, @Notes, @FollowUpOn, @LunchId, @now)",
            new
            {
                Id = v.Id.ToString(), v.UserId, v.Kind, v.Feeling, v.By, v.At, v.Notes, FollowUpOn = Iso(v.FollowUpOn),
                LunchId = v.LunchId?.ToString(), now,
            }, cancellationToken: ct));
    }

    /// <summary>The user's visits, newest first.</summary>
    public async Task<IReadOnlyList<Visit>> ForUserAsync(string userId, int limit, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM visits WHERE user_id = @userId ORDER BY visited_at DESC, id DESC LIMIT @limit",
            new { userId, limit }, cancellationToken: ct));
        return rows.Select(r => r.ToVisit()).ToList();
    }

    /// <summary>Every user's newest visit with the follow-up date it set (a later visit answers an earlier follow-up).</summary>
    public async Task<Dictionary<string, LastVisit>> LastVisitsAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<Row>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM visits v
            WHERE v.visited_at = (SELECT MAX(w.visited_at) FROM visits w WHERE w.user_id = v.user_id)
            """, cancellationToken: ct));
        var result = new Dictionary<string, LastVisit>(StringComparer.Ordinal);
        // Two visits at the same instant: the one that sets a follow-up wins, so that it is not lost.
        foreach (var r in rows.OrderBy(r => r.FollowUpOn is not null))
            result[r.UserId] = new LastVisit(r.VisitedAt, r.ToVisit().FollowUpOn);
        return result;
    }

    /// <summary>The visits of these users at or after <paramref name="since"/> (the red users' follow-through).</summary>
    public async Task<ILookup<string, DateTimeOffset>> VisitTimesAsync(IReadOnlyCollection<string> userIds, DateTimeOffset since,
        CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryChunkedAsync<Row>(
            $"SELECT {Columns} FROM visits WHERE {db.Dialect.InChunk("user_id")} AND visited_at >= @since", userIds, new { since }, ct: ct);
        return rows.ToLookup(r => r.UserId, r => r.VisitedAt, StringComparer.Ordinal);
    }

    /// <summary>Visits per kind since <paramref name="since"/>; every kind present, 0 when none.</summary>
    public async Task<Dictionary<string, long>> CountByKindAsync(DateTimeOffset since, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<(string Kind, long Count)>(new CommandDefinition(
            "SELECT kind, COUNT(*) FROM visits WHERE visited_at >= @since GROUP BY kind", new { since }, cancellationToken: ct));
        var counts = VisitKinds.All.ToDictionary(k => k, _ => 0L, StringComparer.Ordinal);
        foreach (var (kind, count) in rows) counts[kind] = count;
        return counts;
    }

    /// <summary>Every user's newest ticket signal since <paramref name="since"/>: "a ticket is open" as far as we can tell.</summary>
    public async Task<Dictionary<string, DateTimeOffset>> LastTicketSignalsAsync(DateTimeOffset since, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<UserTime>(new CommandDefinition(
            $"SELECT user_id, MAX(observed_at) AS at FROM signals WHERE {db.Dialect.In("kind", "kinds")} AND observed_at >= @since " +
            "GROUP BY user_id",
            new { since, kinds = TicketKinds }, cancellationToken: ct));
        return rows.ToDictionary(r => r.UserId, r => r.At, StringComparer.Ordinal);
    }

    /// <summary>
    /// When each user's latest move into amber or red from green or unknown happened: the start of the current unhappy spell
    /// (red → amber → red is one spell). Users who never moved are absent; callers fall back to the state's own start.
    /// </summary>
    public async Task<Dictionary<string, DateTimeOffset>> UnhappySinceAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<UserTime>(new CommandDefinition(
            "SELECT user_id, MAX(changed_at) AS at FROM state_changes " +
            "WHERE to_state IN (2, 3) AND from_state NOT IN (2, 3) GROUP BY user_id",
            cancellationToken: ct));
        return rows.ToDictionary(r => r.UserId, r => r.At, StringComparer.Ordinal);
    }

    /// <summary>When each user last went red (their latest change into down).</summary>
    public async Task<Dictionary<string, DateTimeOffset>> WentDownAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<UserTime>(new CommandDefinition(
            "SELECT user_id, MAX(changed_at) AS at FROM state_changes WHERE to_state = 3 GROUP BY user_id", cancellationToken: ct));
        return rows.ToDictionary(r => r.UserId, r => r.At, StringComparer.Ordinal);
    }

    private static readonly string[] TicketKinds =
        [SignalKinds.TicketSentiment, SignalKinds.TicketCsat, SignalKinds.TicketReopened, SignalKinds.TicketSlaBreached];

    internal static string? Iso(DateOnly? d) => d?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    internal static DateOnly? Day(string? text) =>
        text is null ? null : DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private sealed class UserTime
    {
        public string UserId { get; set; } = "";
        public DateTimeOffset At { get; set; }
    }

    private sealed class Row
    {
        public string Id { get; set; } = "";
        public string UserId { get; set; } = "";
        public string Kind { get; set; } = "";
        public double? Feeling { get; set; }
        public string ByWhom { get; set; } = "";
        public DateTimeOffset VisitedAt { get; set; }
        public string? Notes { get; set; }
        public string? FollowUpOn { get; set; }
        public string? LunchId { get; set; }

        public Visit ToVisit() => new(Guid.Parse(Id), UserId, Kind, Feeling, ByWhom, VisitedAt, Notes, Day(FollowUpOn),
            LunchId is null ? null : Guid.Parse(LunchId));
    }
}
