using Dapper;

namespace Monitor.Worker.Storage;

/// <summary>The log of job and probe runs, by node.</summary>
public sealed class JobRunRepository(Database db)
{
    public async Task RecordAsync(JobRun run, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO job_runs (id, job, node, started_at, duration_ms, success, message)
            VALUES (@id, @Job, @Node, @startedAt, @durationMs, @Success, @Message)
            """,
            new
            {
                id = Guid.CreateVersion7().ToString("N"), run.Job, run.Node, startedAt = run.StartedAt.ToMs(),
                durationMs = (long)run.Duration.TotalMilliseconds, run.Success, run.Message,
            }, cancellationToken: ct));
    }

    /// <summary>The latest run of every job, and when each last succeeded.</summary>
    public async Task<IReadOnlyList<JobHealth>> LatestAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<JobHealthRow>(new CommandDefinition(
            """
            SELECT r.job, r.node, r.started_at, r.duration_ms, r.success, r.message,
                   (SELECT MAX(s.started_at + s.duration_ms) FROM job_runs s WHERE s.job = r.job AND s.success) AS last_success_at
            FROM job_runs r
            WHERE r.started_at = (SELECT MAX(l.started_at) FROM job_runs l WHERE l.job = r.job)
            """, cancellationToken: ct));
        return rows.GroupBy(r => r.Job).Select(g => g.First()).Select(r => new JobHealth(
            new JobRun(r.Job, r.Node, StoreTime.FromMs(r.StartedAt), TimeSpan.FromMilliseconds(r.DurationMs), r.Success, r.Message),
            StoreTime.FromMs(r.LastSuccessAt))).ToList();
    }

    public async Task<IReadOnlyList<JobRun>> HistoryAsync(string job, DateTimeOffset since, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<JobHealthRow>(new CommandDefinition(
            "SELECT job, node, started_at, duration_ms, success, message FROM job_runs WHERE job = @job AND started_at >= @since ORDER BY started_at",
            new { job, since = since.ToMs() }, cancellationToken: ct));
        return rows.Select(r => new JobRun(r.Job, r.Node, StoreTime.FromMs(r.StartedAt),
            TimeSpan.FromMilliseconds(r.DurationMs), r.Success, r.Message)).ToList();
    }

    /// <summary>Keeps the log bounded.</summary>
    public async Task PruneAsync(DateTimeOffset olderThan, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(
            "DELETE FROM job_runs WHERE started_at < @cutoff", new { cutoff = olderThan.ToMs() }, cancellationToken: ct));
    }

    private sealed class JobHealthRow
    {
        public string Job { get; set; } = "";
        public string Node { get; set; } = "";
        public long StartedAt { get; set; }
        public long DurationMs { get; set; }
        public bool Success { get; set; }
        public string? Message { get; set; }
        public long? LastSuccessAt { get; set; }
    }
}

public sealed record JobRun(string Job, string Node, DateTimeOffset StartedAt, TimeSpan Duration, bool Success, string? Message);

public sealed record JobHealth(JobRun Last, DateTimeOffset? LastSuccessAt);
