using System.Diagnostics;
using Monitor.Core.Ports;
using Monitor.Worker.Directory;
using Monitor.Worker.Evaluation;
using Monitor.Worker.Storage;
using Quartz;

namespace Monitor.Worker.Scheduling;

/// <summary>
/// What every scheduled job shares: it logs its run in <c>job_runs</c> (the probes' health, for every
/// replica's metrics) and turns an exception into a failed run rather than a dead trigger.
/// </summary>
public abstract class MonitoredJob(JobRunRepository runs, NodeIdentity node, TimeProvider time, ILogger logger) : IJob
{
    protected TimeProvider Time => time;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var name = JobName(context);
        var startedAt = time.GetUtcNow();
        var watch = Stopwatch.StartNew();
        ProbeResult result;
        try
        {
            result = await RunAsync(context, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(e, "Job {Job} failed", name);
            result = ProbeResult.Failed(e.Message);
        }
        if (!result.Success) logger.LogWarning("Job {Job} failed: {Message}", name, result.Message);
        await runs.RecordAsync(new JobRun(name, node.Id, startedAt, watch.Elapsed, result.Success, result.Message), CancellationToken.None);
    }

    protected virtual string JobName(IJobExecutionContext context) => context.JobDetail.Key.Name;

    protected abstract Task<ProbeResult> RunAsync(IJobExecutionContext context, CancellationToken ct);
}

public sealed class DirectorySyncJob(DirectorySync sync, JobRunRepository runs, NodeIdentity node, TimeProvider time,
    ILogger<DirectorySyncJob> logger) : MonitoredJob(runs, node, time, logger)
{
    protected override async Task<ProbeResult> RunAsync(IJobExecutionContext context, CancellationToken ct)
    {
        var r = await sync.RunAsync(ct);
        return r.Success
            ? ProbeResult.Ok($"{r.Changes!.Joined} joined, {r.Changes.Updated} updated, {r.Changes.Left} left")
            : ProbeResult.Failed($"{r.Errors.Count} bad row(s), first: {r.Errors[0]}");
    }
}

/// <summary>The incremental evaluation every interval, and a full sweep when the last one is old enough.</summary>
public sealed class EvaluationJob(Evaluator evaluator, IWatermarkStore marks,
    JobRunRepository runs, NodeIdentity node, TimeProvider time, ILogger<EvaluationJob> logger)
    : MonitoredJob(runs, node, time, logger)
{
    private const string LastSweep = "evaluation:last_full_sweep";

    /// <summary>How often every user is re-evaluated, for staleness and to repair after a crash.</summary>
    public static readonly TimeSpan SweepInterval = TimeSpan.FromHours(1);

    protected override async Task<ProbeResult> RunAsync(IJobExecutionContext context, CancellationToken ct)
    {
        var now = Time.GetUtcNow();
        var last = await marks.GetAsync(LastSweep, ct) is { } s && long.TryParse(s, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : DateTimeOffset.MinValue;
        EvaluationCycle cycle;
        if (now - last >= SweepInterval)
        {
            // A sweep also drains the queue: every dirty user is evaluated by it.
            await evaluator.RunIncrementalAsync(ct);
            cycle = await evaluator.RunFullAsync(ct);
            await marks.SetAsync(LastSweep, now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
        }
        else
        {
            cycle = await evaluator.RunIncrementalAsync(ct);
        }
        return ProbeResult.Ok($"{cycle.Users} users, {cycle.Changes} changes");
    }
}

/// <summary>Runs one registered probe; the job's name is the probe's name.</summary>
public sealed class ProbeJob(ProbeCatalog catalog, JobRunRepository runs, NodeIdentity node, TimeProvider time,
    ILogger<ProbeJob> logger) : MonitoredJob(runs, node, time, logger)
{
    protected override Task<ProbeResult> RunAsync(IJobExecutionContext context, CancellationToken ct)
    {
        var probe = catalog.Find(context.JobDetail.Key.Name);
        return probe is null
            ? Task.FromResult(ProbeResult.Failed($"no probe named '{context.JobDetail.Key.Name}'"))
            : probe.RunAsync(ct);
    }
}

/// <summary>This process's name in the cluster, as written in <c>job_runs</c>.</summary>
public sealed record NodeIdentity(string Id)
{
    public static NodeIdentity Create() => new($"{Environment.MachineName}-{Environment.ProcessId}");
}
