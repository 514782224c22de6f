using Dapper;
using Monitor.Core.Ports;
using Monitor.Worker.Storage;

namespace Monitor.Worker.Privacy;

/// <summary>The store-backed audit log: every view, export and erasure of one person's data, kept with its actor.</summary>
public sealed class AuditRepository(Database db) : IAuditLog
{
    public const int MaxLimit = 10_000;

    public async Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO audit_log (id, at, actor, action, subject_user_id, detail) " +
            "VALUES (@id, @At, @Actor, @Action, @SubjectUserId, @Detail)",
            new { id = Guid.CreateVersion7().ToString("N"), entry.At, entry.Actor, entry.Action, entry.SubjectUserId, entry.Detail },
            cancellationToken: cancellationToken));
    }

    /// <summary>Entries at or after <paramref name="since"/>, newest first, filtered by actor and subject when given.</summary>
    public async Task<IReadOnlyList<AuditEntry>> QueryAsync(DateTimeOffset since, string? actor, string? subject, int limit,
        CancellationToken ct = default)
    {
        var where = "at >= @since";
        if (actor is not null) where += " AND actor = @actor";
        if (subject is not null) where += " AND subject_user_id = @subject";
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<AuditRow>(new CommandDefinition(
            $"SELECT at, actor, action, subject_user_id, detail FROM audit_log WHERE {where} ORDER BY at DESC, id DESC LIMIT @limit",
            new { since, actor, subject, limit = Math.Clamp(limit, 1, MaxLimit) }, cancellationToken: ct));
        return rows.Select(r => new AuditEntry(r.At, r.Actor, r.Action, r.SubjectUserId, r.Detail)).ToList();
    }

    private sealed class AuditRow
    {
        public DateTimeOffset At { get; set; }
        public string Actor { get; set; } = "";
        public string Action { get; set; } = "";
        public string? SubjectUserId { get; set; }
        public string? Detail { get; set; }
    }
}
