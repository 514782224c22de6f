using Dapper;

namespace Monitor.Worker.Storage;

/// <summary>The log of job and probe runs, by node. The retention job keeps it short (<c>Retention:JobRuns</c>).</summary>
public sealed class JobRunRepository(Database db)
{
    public async Task RecordAsync(JobRun run, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO job_runs (id, job, node, started_at, duration_ms, success, message)
            VALUES (@id, @Job, @Node, @StartedAt, @durationMs, @Success, @Message)
            """,
            new
            {
                id = Guid.CreateVersion7().ToString("N"), run.Job, run.Node, run.StartedAt,
                durationMs = (long)run.Duration.TotalMilliseconds, run.Success, run.Message,
            }, cancellationToken: ct));
    }

    /// <summary>The latest run of every job, and when each last succeeded.</summary>
    /// <remarks>
    /// Read on every metrics refresh: the latest start of each job comes from the (job, started_at) index and
    /// is joined back to its run, rather than a subquery for every stored run; retention keeps the table short.
    /// </remarks>
    public async Task<IReadOnlyList<JobHealth>> LatestAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<JobRunRow>(new CommandDefinition(
            """
            SELECT r.job, r.node, r.started_at, r.duration_ms, r.success, r.message,
                   (SELECT MAX(s.started_at + s.duration_ms) FROM job_runs s WHERE s.job = r.job AND s.success) AS last_success_at
            FROM (SELECT job, MAX(started_at) AS started_at FROM job_runs GROUP BY job) l
            JOIN job_runs r ON r.job = l.job AND r.started_at = l.started_at
            """, cancellationToken: ct));
        return rows.GroupBy(r => r.Job).Select(g => g.First())
            .Select(r => new JobHealth(r.ToRun(), r.LastSuccessAt)).ToList();
    }

    public async Task<IReadOnlyList<JobRun>> HistoryAsync(string job, DateTimeOffset since, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<JobRunRow>(new CommandDefinition(
            """
            SELECT job, node, started_at, duration_ms, success, message FROM job_runs
            WHERE job = @job AND started_at >= @since ORDER BY started_at
            """,
            new { job, since }, cancellationToken: ct));
        return rows.Select(r => r.ToRun()).ToList();
    }

    // A row class rather than JobRun: the duration is stored in milliseconds, and SQLite returns the
    // success flag as an integer, which Dapper's constructor mapping does not convert.
    private sealed class JobRunRow
    {
        public string Job { get; set; } = "";
        public string Node { get; set; } = "";
        public DateTimeOffset StartedAt { get; set; }
        public long DurationMs { get; set; }
        public bool Success { get; set; }
        public string? Message { get; set; }
        public DateTimeOffset? LastSuccessAt { get; set; }

        public JobRun ToRun() => new(Job, Node, StartedAt, TimeSpan.FromMilliseconds(DurationMs), Success, Message);
    }
}

public sealed record JobRun(string Job, string Node, DateTimeOffset StartedAt, TimeSpan Duration, bool Success, string? Message);

public sealed record JobHealth(JobRun Last, DateTimeOffset? LastSuccessAt);
