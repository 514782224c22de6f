using Dapper;
using Monitor.Tests.Infrastructure;
using Npgsql;

namespace Monitor.Tests.Worker;

/// <summary>Two workers on one PostgreSQL share the jobs through Quartz's clustered store.</summary>
[NonParallelizable]
public sealed class ClusterTests
{
    [Test]
    public async Task Two_workers_on_one_postgres_run_each_job_once_per_interval_not_twice()
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
        var from = DateTimeOffset.UtcNow.AddSeconds(2).ToUnixTimeMilliseconds();
        await Task.Delay(TimeSpan.FromSeconds(16));
        var to = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.That(first.HasExited || second.HasExited, Is.False, first.Log + second.Log);

        await using var c = new NpgsqlConnection(connection);
        foreach (var (job, interval) in new[] { ("evaluation", 2000L), ("directory", 3000L) })
        {
            var starts = (await c.QueryAsync<long>(
                "SELECT started_at FROM job_runs WHERE job = @job AND started_at BETWEEN @from AND @to ORDER BY started_at",
                new { job, from, to })).ToList();
            var expected = (to - from) / interval;
            Assert.That(starts, Has.Count.InRange(expected - 2, expected + 1), $"{job} runs: {starts.Count}, expected about {expected}");
            var gaps = starts.Zip(starts.Skip(1), (a, b) => b - a).ToList();
            Assert.That(gaps, Has.All.GreaterThan(interval / 2), $"{job} ran twice in one interval: gaps {string.Join(", ", gaps)} ms");
        }
        var nodes = await c.QueryAsync<string>("SELECT DISTINCT node FROM job_runs");
        TestContext.Out.WriteLine($"job runs by nodes: {string.Join(", ", nodes)}");
    }
}
