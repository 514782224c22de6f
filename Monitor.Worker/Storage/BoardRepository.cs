using Dapper;
using Monitor.Core.Evaluation;

namespace Monitor.Worker.Storage;

/// <summary>The board: every user in the directory with their current state, in one read.</summary>
public sealed class BoardRepository(Database db)
{
    public async Task<IReadOnlyList<BoardRow>> LoadAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        // Unbuffered, and a department or site name shared by every row that has it: the board of a large directory is
        // held for a whole metrics refresh, so each row read is turned into its BoardRow at once and dropped.
        var rows = c.QueryUnbufferedAsync<Row>(
            """
            SELECT u.id, u.department, u.site, s.state, s.score, s.last_signal_at, s.flapping, s.state_since,
                   a.user_id AS ack_user, a.expires_at AS ack_expires_at
            FROM users u
            LEFT JOIN user_states s ON s.user_id = u.id
            LEFT JOIN acknowledgements a ON a.user_id = u.id
            WHERE u.removed_at IS NULL
            """);
        var board = new List<BoardRow>();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var r in rows.WithCancellation(ct))
        {
            var state = (SatisfactionState)(r.State ?? 0);
            // Only what HoldsFor reads is loaded: who, by whom and why are not on the board.
            var acknowledged = r.AckUser is not null &&
                               new Acknowledgement(r.AckUser, "", null, default, r.AckExpiresAt).HoldsFor(state, now);
            board.Add(new BoardRow(r.Id, Shared(names, r.Department), Shared(names, r.Site), state, r.Score, r.LastSignalAt,
                r.Flapping ?? false, acknowledged, r.StateSince));
        }
        return board;
    }

    private static string Shared(Dictionary<string, string> names, string name)
    {
        if (names.TryGetValue(name, out var shared)) return shared;
        // A directory of unique names (one department per person) would make this a copy of the board: stop sharing.
        if (names.Count < 10_000) names[name] = name;
        return name;
    }

    // A row class rather than BoardRow: the outer joins make every state column nullable, the state is
    // stored as an integer, and "acknowledged" is computed.
    private sealed class Row
    {
        public string Id { get; set; } = "";
        public string Department { get; set; } = "";
        public string Site { get; set; } = "";
        public int? State { get; set; }
        public double? Score { get; set; }
        public DateTimeOffset? LastSignalAt { get; set; }
        public bool? Flapping { get; set; }
        public DateTimeOffset? StateSince { get; set; }
        public string? AckUser { get; set; }
        public DateTimeOffset? AckExpiresAt { get; set; }
    }
}

public sealed record BoardRow(string UserId, string Department, string Site, SatisfactionState State, double? Score,
    DateTimeOffset? LastSignalAt, bool Flapping, bool Acknowledged, DateTimeOffset? StateSince);
