using System.Data.Common;
using Dapper;
using Monitor.Core.Actions;
using Monitor.Worker.Storage;

namespace Monitor.Worker.Actions;

/// <summary>Actions, their links to signals, and who was told, on either store.</summary>
public sealed partial class ActionRepository(Database db)
{
    private const string ActionColumns = "id, title, description, owner, created_by, created_at, shipped_at, shipped_by, notify";

    // In the order of CommentedSignal's constructor, so that Dapper builds the records directly.
    private const string CommentColumns = "user_id, kind, source, score, observed_at, comment";

    /// <summary>How many comments a search or a user page shows at most.</summary>
    public const int CommentLimit = 50;

    public async Task CreateAsync(ActionRecord a, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO actions ({ActionColumns})
            VALUES (@Id, @Title, @Description, @Owner, @CreatedBy, @CreatedAt, NULL, NULL, @Notify)
            """,
            new { Id = a.Id.ToString(), a.Title, a.Description, a.Owner, a.CreatedBy, a.CreatedAt, a.Notify }, cancellationToken: ct));
    }

    public async Task<ActionRecord?> FindAsync(Guid id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<ActionRow>(new CommandDefinition(
            $"SELECT {ActionColumns} FROM actions WHERE id = @id", new { id = id.ToString() }, cancellationToken: ct));
        return row?.ToRecord();
    }

    /// <summary>Open actions first, then shipped ones, newest first.</summary>
    public async Task<IReadOnlyList<ActionRecord>> ListAsync(bool shippedOnly, int limit, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<ActionRow>(new CommandDefinition(
            $"""
            SELECT {ActionColumns} FROM actions {(shippedOnly ? "WHERE shipped_at IS NOT NULL" : "")}
            ORDER BY CASE WHEN shipped_at IS NULL THEN 0 ELSE 1 END, COALESCE(shipped_at, created_at) DESC LIMIT @limit
            """, new { limit }, cancellationToken: ct));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    /// <summary>The references among <paramref name="refs"/> that name no stored signal.</summary>
    public async Task<IReadOnlyList<SignalRef>> UnknownAsync(IReadOnlyCollection<SignalRef> refs, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var unknown = new List<SignalRef>();
        foreach (var r in refs)
        {
            var found = await c.ExecuteScalarAsync<int>(new CommandDefinition(
                "SELECT COUNT(*) FROM signals WHERE user_id = @UserId AND kind = @Kind AND source = @Source", r, cancellationToken: ct));
            if (found == 0) unknown.Add(r);
        }
        return unknown;
    }

    /// <summary>Links signals to an action (a link made twice is one link); returns how many were new.</summary>
    public async Task<int> LinkAsync(Guid actionId, IReadOnlyCollection<SignalRef> refs, string by, DateTimeOffset now,
        CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var added = 0;
        foreach (var r in refs.Distinct())
        {
            added += await c.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO action_signals (action_id, user_id, kind, source, linked_by, linked_at)
                VALUES (@id, @UserId, @Kind, @Source, @by, @now) ON CONFLICT DO NOTHING
                """, new { id = actionId.ToString(), r.UserId, r.Kind, r.Source, by, now }, tx, cancellationToken: ct));
        }
        await tx.CommitAsync(ct);
        return added;
    }

    /// <summary>The action's links, with the signal's score and comment while the signal is kept, oldest signal first.</summary>
    public async Task<IReadOnlyList<LinkedSignal>> LinksAsync(Guid actionId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<LinkRow>(new CommandDefinition(
            """
            SELECT l.user_id, l.kind, l.source, l.linked_by, l.linked_at, s.score, s.comment, s.observed_at
            FROM action_signals l
            LEFT JOIN signals s ON s.user_id = l.user_id AND s.kind = l.kind AND s.source = l.source
            WHERE l.action_id = @id ORDER BY s.observed_at, l.user_id, l.kind, l.source
            """, new { id = actionId.ToString() }, cancellationToken: ct));
        return rows.Select(r => new LinkedSignal(new SignalRef(r.UserId, r.Kind, r.Source), r.LinkedBy, StoreTime.FromMs(r.LinkedAt),
            r.Score, r.Comment, StoreTime.FromMs(r.ObservedAt))).ToList();
    }

    /// <summary>Marks the action shipped unless it was before (on any replica); true when this call shipped it.</summary>
    public async Task<bool> ShipAsync(Guid id, bool notify, string by, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(
            "UPDATE actions SET shipped_at = @now, shipped_by = @by, notify = @notify WHERE id = @id AND shipped_at IS NULL",
            new { id = id.ToString(), now, by, notify }, cancellationToken: ct)) == 1;
    }

    /// <summary>
    /// Records that the person is told about the action; false when someone was already (so nobody is mailed twice).
    /// </summary>
    public async Task<bool> ClaimNotificationAsync(Guid actionId, string userId, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO action_notifications (action_id, user_id, notified_at) VALUES (@id, @userId, @now)
            ON CONFLICT (action_id, user_id) DO NOTHING
            """, new { id = actionId.ToString(), userId, now }, cancellationToken: ct)) == 1;
    }

    public async Task<IReadOnlyList<string>> NotifiedAsync(Guid actionId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<string>(new CommandDefinition(
            "SELECT user_id FROM action_notifications WHERE action_id = @id ORDER BY user_id",
            new { id = actionId.ToString() }, cancellationToken: ct))).ToList();
    }

    private static async Task<T?> ScalarAsync<T>(DbConnection c, string sql, object? args, CancellationToken ct) =>
        await c.ExecuteScalarAsync<T>(new CommandDefinition(sql, args, cancellationToken: ct));

    private sealed class ActionRow
    {
        public string Id { get; init; } = "";
        public string Title { get; init; } = "";
        public string Description { get; init; } = "";
        public string Owner { get; init; } = "";
        public string CreatedBy { get; init; } = "";
        public long CreatedAt { get; init; }
        public long? ShippedAt { get; init; }
        public string? ShippedBy { get; init; }
        public bool Notify { get; init; }

        public ActionRecord ToRecord() => new(Guid.Parse(Id), Title, Description, Owner, CreatedBy, StoreTime.FromMs(CreatedAt),
            StoreTime.FromMs(ShippedAt), ShippedBy, Notify);
    }

    private sealed class LinkRow
    {
        public string UserId { get; init; } = "";
        public string Kind { get; init; } = "";
        public string Source { get; init; } = "";
        public string LinkedBy { get; init; } = "";
        public long LinkedAt { get; init; }
        public double? Score { get; init; }
        public string? Comment { get; init; }
        public long? ObservedAt { get; init; }
    }
}
