using System.Data.Common;
using Dapper;
using Monitor.Core.Dependencies;
using Monitor.Worker.Storage;

namespace Monitor.Worker.Dependencies;

/// <summary>A signal with the incident open on one of its user's parents when it was observed (null when none).</summary>
public sealed record TaggedSignal(string Kind, string Source, double Score, DateTimeOffset ObservedAt, Incident? Incident);

/// <summary>Incidents on either store; every replica reads the same rows, so all suppress alike.</summary>
public sealed class IncidentRepository(Database db)
{
    private const string Columns = "id, parent, title, source, external_ref, opened_at, opened_by, resolved_at, resolved_by";

    /// <summary>
    /// Opens an incident with the next number. With an <paramref name="externalRef"/> (a ticket), the incident
    /// already opened for that ticket is returned instead (Created false), whichever replica opened it.
    /// </summary>
    public async Task<(Incident Incident, bool Created)> OpenAsync(string parent, string title, string source, string? externalRef,
        DateTimeOffset at, string by, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        // Two replicas may pick the same next number: the loser's insert does nothing and it tries the next one.
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var id = await c.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
                "SELECT COALESCE(MAX(id), 0) + 1 FROM incidents", cancellationToken: ct)) ?? 1;
            var inserted = await c.ExecuteAsync(new CommandDefinition(
                $"""
                INSERT INTO incidents ({Columns}) VALUES (@id, @parent, @title, @source, @externalRef, @at, @by, NULL, NULL)
                ON CONFLICT DO NOTHING
                """, new { id, parent, title, source, externalRef, at, by }, cancellationToken: ct));
            if (inserted == 1) return (new Incident(id, parent, title, source, externalRef, at, by), true);
            if (externalRef is not null && await FindExternalAsync(c, source, externalRef, ct) is { } existing) return (existing, false);
        }
        throw new InvalidOperationException("Could not number a new incident after 20 attempts.");
    }

    public async Task<Incident?> FindAsync(long id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM incidents WHERE id = @id", new { id }, cancellationToken: ct)))?.ToIncident();
    }

    /// <summary>Resolves an open incident; false when it does not exist or is resolved already.</summary>
    public async Task<bool> ResolveAsync(long id, DateTimeOffset at, string by, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(
            "UPDATE incidents SET resolved_at = @at, resolved_by = @by WHERE id = @id AND resolved_at IS NULL",
            new { id, at, by }, cancellationToken: ct)) == 1;
    }

    /// <summary>Resolves the open incident of a ticket (the ticket was resolved or lost its major-incident flag).</summary>
    public async Task<bool> ResolveExternalAsync(string source, string externalRef, DateTimeOffset at, string by, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(
            """
            UPDATE incidents SET resolved_at = @at, resolved_by = @by
            WHERE source = @source AND external_ref = @externalRef AND resolved_at IS NULL
            """, new { source, externalRef, at, by }, cancellationToken: ct)) == 1;
    }

    /// <summary>The open incidents, oldest first.</summary>
    public async Task<IReadOnlyList<Incident>> OpenIncidentsAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM incidents WHERE resolved_at IS NULL ORDER BY opened_at, id", cancellationToken: ct)))
            .Select(r => r.ToIncident()).ToList();
    }

    /// <summary>Open incidents first (oldest first), then resolved ones, most recently opened first.</summary>
    public async Task<IReadOnlyList<Incident>> ListAsync(int limit, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<Row>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM incidents
            ORDER BY CASE WHEN resolved_at IS NULL THEN 0 ELSE 1 END,
                     CASE WHEN resolved_at IS NULL THEN opened_at ELSE -opened_at END, id
            LIMIT @limit
            """, new { limit }, cancellationToken: ct))).Select(r => r.ToIncident()).ToList();
    }

    /// <summary>The incidents on any of <paramref name="parents"/> that were open at some time in [from, until).</summary>
    public async Task<IReadOnlyList<Incident>> OverlappingAsync(IReadOnlyCollection<string> parents, DateTimeOffset from,
        DateTimeOffset until, CancellationToken ct)
    {
        if (parents.Count == 0) return [];
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<Row>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM incidents
            WHERE {db.Dialect.In("parent", "parents")} AND opened_at < @until AND (resolved_at IS NULL OR resolved_at > @from)
            ORDER BY opened_at, id
            """, new { parents = parents.ToArray(), from, until }, cancellationToken: ct))).Select(r => r.ToIncident()).ToList();
    }

    /// <summary>Every user in the directory with the groups they hang under.</summary>
    public async Task<IReadOnlyList<(string Id, string Department, string Site)>> DirectoryAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<(string, string, string)>(new CommandDefinition(
            "SELECT id, department, site FROM users WHERE removed_at IS NULL", cancellationToken: ct))).ToList();
    }

    /// <summary>One user's signals observed in [from, until), oldest first (scores and times only: no comment).</summary>
    public async Task<IReadOnlyList<TaggedSignal>> SignalsAsync(string userId, DateTimeOffset from, DateTimeOffset until,
        CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<(string Kind, string Source, double Score, long ObservedAt)>(new CommandDefinition(
            """
            SELECT kind, source, score, observed_at FROM signals
            WHERE user_id = @userId AND observed_at >= @from AND observed_at < @until ORDER BY observed_at
            """, new { userId, from, until }, cancellationToken: ct)))
            .Select(r => new TaggedSignal(r.Kind, r.Source, r.Score, DateTimeOffset.FromUnixTimeMilliseconds(r.ObservedAt), null))
            .ToList();
    }

    private static async Task<Incident?> FindExternalAsync(DbConnection c, string source, string externalRef, CancellationToken ct) =>
        (await c.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM incidents WHERE source = @source AND external_ref = @externalRef",
            new { source, externalRef }, cancellationToken: ct)))?.ToIncident();

    private sealed class Row
    {
        public long Id { get; init; }
        public string Parent { get; init; } = "";
        public string Title { get; init; } = "";
        public string Source { get; init; } = "";
        public string? ExternalRef { get; init; }
        public long OpenedAt { get; init; }
        public string OpenedBy { get; init; } = "";
        public long? ResolvedAt { get; init; }
        public string? ResolvedBy { get; init; }

        public Incident ToIncident() => new(Id, Parent, Title, Source, ExternalRef, DateTimeOffset.FromUnixTimeMilliseconds(OpenedAt),
            OpenedBy, ResolvedAt is { } r ? DateTimeOffset.FromUnixTimeMilliseconds(r) : null, ResolvedBy);
    }
}
