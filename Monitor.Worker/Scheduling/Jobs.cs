using System.Diagnostics;
using Monitor.Core.Ports;
using Monitor.Worker.UserDirectory;
using Monitor.Worker.Evaluation;
using Monitor.Worker.Storage;
using Quartz;

namespace Monitor.Worker.Scheduling;

/// <summary>
/// The one Quartz job: runs the catalogue entry named by its job key, logs the run in <c>job_runs</c> (the
/// probes' health, for every replica's metrics) and turns an exception into a failed run rather than a dead
/// trigger.
/// </summary>
public sealed class ProbeJob(ProbeCatalog catalog, JobRunRepository runs, NodeIdentity node, TimeProvider time,
    ILogger<ProbeJob> logger) : IJob
{
    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        new(RunAsync(context.JobDetail.Key.Name, cancellationToken));

    /// <summary>
    /// Runs the entry and records the run. Never throws but for cancellation: a store outage fails the run with one line
    /// (no stack trace: it is a passing condition, docs/reliability.md), and a run that cannot be recorded is logged.
    /// </summary>
    public async Task RunAsync(string name, CancellationToken cancellationToken)
    {
        var startedAt = time.GetUtcNow();
        var watch = Stopwatch.StartNew();
        ProbeResult result;
        try
        {
            result = catalog.Create(name) is { } work
                ? await work.RunAsync(cancellationToken)
                : ProbeResult.Failed($"no scheduled work named '{name}'");
        }
        catch (Exception e) when (StoreFaults.IsUnavailable(e) && !cancellationToken.IsCancellationRequested)
        {
            result = ProbeResult.Failed($"the store is unavailable ({StoreFaults.Reason(e)})");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(e, "Job {Job} failed", name);
            result = ProbeResult.Failed(e.Message);
        }
        if (!result.Success) logger.LogWarning("Job {Job} failed: {Message}", name, result.Message);
        try
        {
            await runs.RecordAsync(new JobRun(name, node.Id, startedAt, watch.Elapsed, result.Success, result.Message), CancellationToken.None);
        }
        catch (Exception e) when (StoreFaults.IsUnavailable(e))
        {
            // Quartz would log it as "Job threw an unhandled exception" with the stack; the run's outcome is in the line above.
            logger.LogWarning("Job {Job}: its run could not be recorded, the store is unavailable ({Reason})", name, StoreFaults.Reason(e));
        }
    }
}

/// <summary>The directory sync as a probe: a bad export fails the run and changes nothing.</summary>
public sealed class DirectoryProbe(DirectorySync sync) : IProbe
{
    public string Name => ProbeCatalog.Directory;

    public async Task<ProbeResult> RunAsync(CancellationToken cancellationToken)
    {
        var r = await sync.RunAsync(cancellationToken);
        return r.Success
            ? ProbeResult.Ok($"{r.Changes!.Joined} joined, {r.Changes.Updated} updated, {r.Changes.Left} left")
            : ProbeResult.Failed($"{r.Errors.Count} bad row(s), first: {r.Errors[0]}");
    }
}

/// <summary>The incremental evaluation every interval, and a full sweep when the last one is old enough.</summary>
public sealed class EvaluationRun(Evaluator evaluator, IWatermarkStore marks, TimeProvider time) : IProbe
{
    private const string LastSweep = "evaluation:last_full_sweep";

    /// <summary>How often every user is re-evaluated, for staleness and to repair after a crash.</summary>
    public static readonly TimeSpan SweepInterval = TimeSpan.FromHours(1);

    public string Name => ProbeCatalog.Evaluation;

    public async Task<ProbeResult> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var last = await marks.GetAsync(LastSweep, cancellationToken) is { } s && long.TryParse(s, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : DateTimeOffset.MinValue;
        EvaluationCycle cycle;
        if (now - last >= SweepInterval)
        {
            // A sweep also drains the queue: every dirty user is evaluated by it.
            await evaluator.RunIncrementalAsync(cancellationToken);
            cycle = await evaluator.RunFullAsync(cancellationToken);
            await marks.SetAsync(LastSweep, now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
                cancellationToken);
        }
        else
        {
            cycle = await evaluator.RunIncrementalAsync(cancellationToken);
        }
        return ProbeResult.Ok($"{cycle.Users} users, {cycle.Changes} changes");
    }
}

/// <summary>This process's name in the cluster, as written in <c>job_runs</c>.</summary>
public sealed record NodeIdentity(string Id)
{
    public static NodeIdentity Create() => new($"{Environment.MachineName}-{Environment.ProcessId}");
}
