using System.Data.Common;
using Dapper;
using Monitor.Core.Ports;
using Monitor.Core.Signals;
using Monitor.Worker.Metrics;

namespace Monitor.Worker.Storage;

/// <summary>Stored signals. A signal is written once per (user, kind, source); its user is marked for evaluation.</summary>
public sealed class SignalRepository(Database db, TimeProvider time) : ISignalSink
{
    private const string Columns = "user_id, kind, source, score, weight, observed_at, comment";

    public async Task<SignalWriteResult> WriteAsync(IReadOnlyList<Signal> signals, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToMs();
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var stored = 0;
        foreach (var s in signals)
        {
            if (s.Validate() is { } problem) throw new ArgumentException($"Invalid signal for '{s.UserId}': {problem}", nameof(signals));
            var inserted = await c.ExecuteAsync(new CommandDefinition(
                $"""
                INSERT INTO signals ({Columns}, received_at)
                VALUES (@UserId, @Kind, @Source, @Score, @Weight, @ObservedAt, @Comment, {now})
                ON CONFLICT (user_id, kind, source) DO NOTHING
                """, SignalRow.From(s), tx, cancellationToken: ct));
            if (inserted == 0) continue;
            stored++;
            await MarkDirtyAsync(c, tx, s.UserId, now, ct);
            MonitorMetrics.SignalsReceived.WithLabels(s.Kind).Inc();
        }
        await tx.CommitAsync(ct);
        return new SignalWriteResult(stored, signals.Count - stored);
    }

    /// <inheritdoc cref="ISignalSink.ReplaceAsync"/>
    public Task<bool> ReplaceAsync(Signal signal, CancellationToken ct) => UpsertAsync(signal, ct);

    /// <summary>
    /// Writes a signal that may replace an earlier one with the same key (a person changing their own
    /// answer). Returns true when something was written.
    /// </summary>
    public async Task<bool> UpsertAsync(Signal s, CancellationToken ct)
    {
        if (s.Validate() is { } problem) throw new ArgumentException($"Invalid signal for '{s.UserId}': {problem}", nameof(s));
        var now = time.GetUtcNow().ToMs();
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var written = await c.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO signals ({Columns}, received_at)
            VALUES (@UserId, @Kind, @Source, @Score, @Weight, @ObservedAt, @Comment, {now})
            ON CONFLICT (user_id, kind, source) DO UPDATE SET score = excluded.score, weight = excluded.weight,
                observed_at = excluded.observed_at, comment = excluded.comment, received_at = excluded.received_at
            """, SignalRow.From(s), tx, cancellationToken: ct));
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
        foreach (var chunk in userIds.Chunk(500))
        {
            var rows = await c.QueryAsync<SignalRow>(new CommandDefinition(
                $"SELECT {Columns} FROM signals WHERE {db.In("user_id", "chunk")} AND observed_at > @since",
                new { chunk, since = since.ToMs() }, cancellationToken: ct));
            foreach (var r in rows)
            {
                if (!result.TryGetValue(r.UserId, out var list)) result[r.UserId] = list = [];
                list.Add(r.ToSignal());
            }
        }
        return result;
    }

    /// <summary>Every signal observed after <paramref name="since"/>, grouped by user (rows of one user are adjacent).</summary>
    public async IAsyncEnumerable<Signal> StreamAsync(DateTimeOffset since,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = c.QueryUnbufferedAsync<SignalRow>(
            $"SELECT {Columns} FROM signals WHERE observed_at > @since ORDER BY user_id", new { since = since.ToMs() });
        await foreach (var r in rows.WithCancellation(ct)) yield return r.ToSignal();
    }

    /// <summary>The newest signals of one user, newest first.</summary>
    public async Task<IReadOnlyList<StoredSignal>> RecentAsync(string userId, int limit, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<SignalRow>(new CommandDefinition(
            $"SELECT {Columns}, received_at FROM signals WHERE user_id = @userId ORDER BY observed_at DESC LIMIT @limit",
            new { userId, limit }, cancellationToken: ct));
        return rows.Select(r => new StoredSignal(r.ToSignal(), StoreTime.FromMs(r.ReceivedAt))).ToList();
    }

    private static Task<int> MarkDirtyAsync(DbConnection c, DbTransaction tx, string userId, long now, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO dirty_users (user_id, marked_at) VALUES (@userId, @now) ON CONFLICT (user_id) DO NOTHING",
            new { userId, now }, tx, cancellationToken: ct));

    private sealed class SignalRow
    {
        public string UserId { get; set; } = "";
        public string Kind { get; set; } = "";
        public string Source { get; set; } = "";
        public double Score { get; set; }
        public double Weight { get; set; }
        public long ObservedAt { get; set; }
        public long ReceivedAt { get; set; }
        public string? Comment { get; set; }

        public static SignalRow From(Signal s) => new()
        {
            UserId = s.UserId, Kind = s.Kind, Source = s.Source, Score = s.Score, Weight = s.Weight,
            ObservedAt = s.ObservedAt.ToMs(), Comment = s.Comment,
        };

        public Signal ToSignal() => new(UserId, Kind, Score, Weight, StoreTime.FromMs(ObservedAt), Source, Comment);
    }
}

/// <summary>A signal with the time the monitor received it.</summary>
public sealed record StoredSignal(Signal Signal, DateTimeOffset ReceivedAt);
