using Dapper;
using Monitor.Tests.Infrastructure;
using Npgsql;

namespace Monitor.Tests.Worker;

/// <summary>Two workers on one PostgreSQL share the jobs through Quartz's clustered store.</summary>
[NonParallelizable]
public sealed class ClusterTests
{
    private const long EvaluationMs = 2000;
    private const long DirectoryMs = 3000;

    /// <summary>How long the survivor may take to pick up the jobs: Quartz's check-in (5 s) and recovery, and an interval.</summary>
    private static readonly TimeSpan TakeOver = TimeSpan.FromSeconds(15);

    [Test]
    [CancelAfter(60_000)]
    public async Task Two_workers_on_one_postgres_run_each_job_once_per_interval_and_one_takes_over_when_the_other_dies()
    {
        var connection = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        var settings = new Dictionary<string, string>
        {
            ["Storage:Provider"] = "postgres",
            ["Storage:ConnectionString"] = connection,
            ["Evaluation:Interval"] = "00:00:02",
            ["Directory:Interval"] = "00:00:03",
        };
        await using var first = await WorkerProcess.StartAsync(settings);
        await using var second = await WorkerProcess.StartAsync(settings);
        var nodes = new[] { first.NodeId, second.NodeId };
        var from = Now() + 2000;
        await Task.Delay(TimeSpan.FromSeconds(8));
        var to = Now();
        Assert.That(first.HasExited || second.HasExited, Is.False, first.Log + second.Log);

        await using var db = new NpgsqlConnection(connection);
        foreach (var (job, interval) in new[] { ("evaluation", EvaluationMs), ("directory", DirectoryMs) })
        {
            var runs = await RunsAsync(db, job, from, to);
            Assert.That(runs.Select(r => r.Node), Has.All.AnyOf(nodes), $"{job}: every run is by one of the two workers");
            AssertOnePerInterval(job, runs.Select(r => r.StartedAt).ToList(), interval, to - from);
        }

        // Kill the node that ran the latest evaluation; the other must carry on alone.
        var latest = (await RunsAsync(db, "evaluation", from, Now())).Last().Node;
        var (victim, survivor) = latest == first.NodeId ? (first, second) : (second, first);
        victim.Kill();
        var killedAt = Now();
        var deadline = DateTime.UtcNow + TakeOver;
        while (DateTime.UtcNow < deadline && (await RunsAsync(db, "evaluation", killedAt, Now())).Count == 0)
        {
            await Task.Delay(250);
        }
        var tookOver = Now() - killedAt;
        await Task.Delay(TimeSpan.FromMilliseconds(EvaluationMs * 5 / 2));
        var now = Now();

        var after = await RunsAsync(db, "evaluation", killedAt, now);
        var starts = after.Select(r => r.StartedAt).ToList();
        TestContext.Out.WriteLine($"took over after {tookOver} ms; evaluation gaps since: {string.Join(", ", Gaps(starts))} ms");
        Assert.That(after, Is.Not.Empty, $"no evaluation by the survivor within {TakeOver} of the kill:\n{survivor.Log}");
        Assert.That(after.Select(r => r.Node), Has.All.EqualTo(survivor.NodeId), "after the kill only the survivor runs jobs");
        // Quartz fires the intervals missed during the take-over at once (they are within its misfire threshold),
        // but never more runs than intervals went by since the victim's last (at most one interval before the kill);
        // then it is back to one per interval.
        Assert.That(after, Has.Count.LessThanOrEqualTo((now - killedAt) / EvaluationMs + 2), "more runs than intervals since the kill");
        AssertOnePerInterval("evaluation once caught up", starts.TakeLast(2).ToList(), EvaluationMs, window: null);
    }

    /// <summary>Runs start about one interval apart (never two in one interval), and as many as the window holds.</summary>
    private static void AssertOnePerInterval(string job, List<long> starts, long interval, long? window)
    {
        var gaps = Gaps(starts);
        Assert.That(gaps, Has.All.GreaterThan(interval / 2), $"{job} ran twice in one interval: gaps {string.Join(", ", gaps)} ms");
        Assert.That(gaps, Has.All.LessThan(interval * 3 / 2), $"{job} skipped an interval: gaps {string.Join(", ", gaps)} ms");
        if (window is { } w)
        {
            // Rounded, not truncated: a window just short of two intervals (5,999 ms of 3,000) holds two or three runs.
            var expected = (w + interval / 2) / interval;
            Assert.That(starts, Has.Count.InRange(expected - 1, expected + 1), $"{job}: {starts.Count} runs in {w} ms");
        }
    }

    private static async Task<List<JobRun>> RunsAsync(NpgsqlConnection db, string job, long from, long to) =>
        [.. await db.QueryAsync<JobRun>(
            "SELECT job AS Job, node AS Node, started_at AS StartedAt FROM job_runs "
            + "WHERE job = @job AND started_at BETWEEN @from AND @to ORDER BY started_at",
            new { job, from, to })];

    private static List<long> Gaps(List<long> starts) => [.. starts.Zip(starts.Skip(1), (a, b) => b - a)];

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private sealed record JobRun(string Job, string Node, long StartedAt);
}
