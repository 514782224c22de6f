using System.Data.Common;
using Dapper;
using Monitor.Core.Ports;
using Monitor.Core.Signals;
using Monitor.Worker.Exporter;

namespace Monitor.Worker.Storage;

/// <summary>Stored signals. A signal is written once per (user, kind, source); its user is marked for evaluation.</summary>
public sealed class SignalRepository(Database db, TimeProvider time) : ISignalSink
{
    private const string Columns = "user_id, kind, source, score, weight, observed_at, comment";

    // In the order of Signal's constructor, so that Dapper builds the records directly.
    private const string SignalColumns = "user_id, kind, score, weight, observed_at, source, comment";

    public async Task<SignalWriteResult> WriteAsync(IReadOnlyList<Signal> signals, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var stored = 0;
        foreach (var s in signals)
        {
            if (s.Validate() is { } problem) throw new ArgumentException($"Invalid signal for '{s.UserId}': {problem}", nameof(signals));
            var inserted = await c.ExecuteAsync(new CommandDefinition(
                $"""
                INSERT INTO signals ({Columns}, received_at)
                VALUES (@UserId, @Kind, @Source, @Score, @Weight, @ObservedAt, @Comment, @now)
                ON CONFLICT (user_id, kind, source) DO NOTHING
                """, Parameters(s, now), tx, cancellationToken: ct));
            if (inserted == 0) continue;
            stored++;
            await MarkDirtyAsync(c, tx, s.UserId, now, ct);
            MonitorMetrics.SignalsReceived.WithLabels(s.Kind).Inc();
        }
        await tx.CommitAsync(ct);
        return new SignalWriteResult(stored, signals.Count - stored);
    }

    /// <summary>
    /// Writes many signals in one transaction (the bulk API): for each, in order, true when it was stored and false
    /// when a signal of the same (user, kind, source) was already there, or earlier in the list. PostgreSQL gets one
    /// statement per <see cref="StoreDialect.ChunkSize"/> signals (arrays through <c>unnest</c>), SQLite one prepared
    /// statement per row (in-process, no round trip).
    /// </summary>
    public async Task<bool[]> WriteManyAsync(IReadOnlyList<Signal> signals, CancellationToken ct)
    {
        foreach (var s in signals)
        {
            if (s.Validate() is { } problem) throw new ArgumentException($"Invalid signal for '{s.UserId}': {problem}", nameof(signals));
        }
        var now = time.GetUtcNow();
        var stored = new bool[signals.Count];
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        if (db.IsPostgres)
        {
            for (var start = 0; start < signals.Count; start += StoreDialect.ChunkSize)
            {
                var chunk = signals.Skip(start).Take(StoreDialect.ChunkSize).ToList();
                var inserted = (await c.QueryAsync<(string UserId, string Kind, string Source)>(new CommandDefinition(
                    $"""
                    INSERT INTO signals ({Columns}, received_at)
                    SELECT u, k, s, sc, w, o, cm, @now
                    FROM unnest(@users, @kinds, @sources, @scores, @weights, @observed, @comments) AS t(u, k, s, sc, w, o, cm)
                    ON CONFLICT (user_id, kind, source) DO NOTHING
                    RETURNING user_id, kind, source
                    """, new
                    {
                        users = chunk.Select(x => x.UserId).ToArray(), kinds = chunk.Select(x => x.Kind).ToArray(),
                        sources = chunk.Select(x => x.Source).ToArray(), scores = chunk.Select(x => x.Score).ToArray(),
                        weights = chunk.Select(x => x.Weight).ToArray(),
                        observed = chunk.Select(x => x.ObservedAt.ToUnixTimeMilliseconds()).ToArray(),
                        comments = chunk.Select(x => x.Comment).ToArray(), now,
                    }, tx, cancellationToken: ct))).ToHashSet();
                // The first of equal keys in the list is the one stored; a later one is a duplicate.
                for (var i = 0; i < chunk.Count; i++)
                {
                    stored[start + i] = inserted.Remove((chunk[i].UserId, chunk[i].Kind, chunk[i].Source));
                }
            }
        }
        else
        {
            for (var i = 0; i < signals.Count; i++)
            {
                stored[i] = await c.ExecuteAsync(new CommandDefinition(
                    $"""
                    INSERT INTO signals ({Columns}, received_at)
                    VALUES (@UserId, @Kind, @Source, @Score, @Weight, @ObservedAt, @Comment, @now)
                    ON CONFLICT (user_id, kind, source) DO NOTHING
                    """, Parameters(signals[i], now), tx, cancellationToken: ct)) == 1;
            }
        }
        object nowMs = now.ToMs();
        var dirty = signals.Where((s, i) => stored[i]).Select(s => s.UserId).Distinct(StringComparer.Ordinal).ToList();
        await db.Dialect.InsertManyAsync(c, tx, "INSERT INTO dirty_users (user_id, marked_at)", dirty, u => [u, nowMs],
            "ON CONFLICT (user_id) DO NOTHING", ct);
        await tx.CommitAsync(ct);
        for (var i = 0; i < signals.Count; i++)
        {
            if (stored[i]) MonitorMetrics.SignalsReceived.WithLabels(signals[i].Kind).Inc();
        }
        return stored;
    }

    /// <inheritdoc cref="ISignalSink.ReplaceAsync"/>
    public async Task<bool> ReplaceAsync(Signal s, CancellationToken ct)
    {
        if (s.Validate() is { } problem) throw new ArgumentException($"Invalid signal for '{s.UserId}': {problem}", nameof(s));
        var now = time.GetUtcNow();
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var written = await c.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO signals ({Columns}, received_at)
            VALUES (@UserId, @Kind, @Source, @Score, @Weight, @ObservedAt, @Comment, @now)
            ON CONFLICT (user_id, kind, source) DO UPDATE SET score = excluded.score, weight = excluded.weight,
                observed_at = excluded.observed_at, comment = excluded.comment, received_at = excluded.received_at
            """, Parameters(s, now), tx, cancellationToken: ct));
        await MarkDirtyAsync(c, tx, s.UserId, now, ct);
        await tx.CommitAsync(ct);
        return written > 0;
    }

    /// <summary>The signals of the given users observed after <paramref name="since"/>, grouped by user.</summary>
    public async Task<Dictionary<string, List<Signal>>> ForUsersAsync(IReadOnlyCollection<string> userIds,
        DateTimeOffset since, CancellationToken ct = default)
    {
        var result = new Dictionary<string, List<Signal>>(StringComparer.Ordinal);
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryChunkedAsync<Signal>(
            $"SELECT {SignalColumns} FROM signals WHERE {db.Dialect.InChunk("user_id")} AND observed_at > @since",
            userIds, new { since }, ct: ct);
        foreach (var s in rows)
        {
            if (!result.TryGetValue(s.UserId, out var list)) result[s.UserId] = list = [];
            list.Add(s);
        }
        return result;
    }

    /// <summary>Every signal observed after <paramref name="since"/>, grouped by user (rows of one user are adjacent).</summary>
    public async IAsyncEnumerable<Signal> StreamAsync(DateTimeOffset since,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = c.QueryUnbufferedAsync<Signal>(
            $"SELECT {SignalColumns} FROM signals WHERE observed_at > @since ORDER BY user_id", new { since });
        await foreach (var s in rows.WithCancellation(ct)) yield return s;
    }

    /// <summary>The newest signals of one user, newest first.</summary>
    public async Task<IReadOnlyList<StoredSignal>> RecentAsync(string userId, int limit, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        // Dapper splits each row at received_at: the columns before it make the signal.
        var rows = await c.QueryAsync<Signal, Received, StoredSignal>(new CommandDefinition(
            $"SELECT {SignalColumns}, received_at FROM signals WHERE user_id = @userId ORDER BY observed_at DESC LIMIT @limit",
            new { userId, limit }, cancellationToken: ct), (s, r) => new StoredSignal(s, r.ReceivedAt), splitOn: "received_at");
        return rows.ToList();
    }

    private static object Parameters(Signal s, DateTimeOffset now) =>
        new { s.UserId, s.Kind, s.Source, s.Score, s.Weight, s.ObservedAt, s.Comment, now };

    private static Task<int> MarkDirtyAsync(DbConnection c, DbTransaction tx, string userId, DateTimeOffset now, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO dirty_users (user_id, marked_at) VALUES (@userId, @now) ON CONFLICT (user_id) DO NOTHING",
            new { userId, now }, tx, cancellationToken: ct));

    private sealed record Received(DateTimeOffset ReceivedAt);
}

/// <summary>A signal with the time the monitor received it.</summary>
public sealed record StoredSignal(Signal Signal, DateTimeOffset ReceivedAt);
