using System.Diagnostics;
using System.Threading.Channels;
using Monitor.Core.Ports;
using Monitor.Probes.Pulse;
using Monitor.Worker.Scheduling;
using Monitor.Worker.Storage;

namespace Monitor.Worker.Pulse;

/// <summary>
/// "Run the pulse probe now" (<c>POST /api/probes/pulse/run</c>) on this node, outside Quartz. Through Quartz, a manual run
/// after a crash waited behind the clustered store's recovery of the dead node's job (its fired trigger keeps the
/// non-concurrent job blocked until the node is declared dead); the dispatch lock (<see cref="PulseDispatchLock"/>), which
/// dies with its holder, is what keeps two dispatches apart instead. Requests made while a run is going coalesce into one
/// more run; the run is logged in <c>job_runs</c> like a scheduled one.
/// </summary>
public sealed class PulseRunNow(ProbeCatalog catalog, JobRunRepository runs, NodeIdentity node, TimeProvider time,
    ILogger<PulseRunNow> logger) : BackgroundService
{
    private readonly Channel<bool> _requests = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Asks for a run; it starts at once unless one is going, then right after it.</summary>
    public void Request() => _requests.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var _ in _requests.Reader.ReadAllAsync(stoppingToken)) await RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var startedAt = time.GetUtcNow();
        var watch = Stopwatch.StartNew();
        ProbeResult result;
        try
        {
            result = catalog.Create(PulseProbe.ProbeName) is { } probe
                ? await probe.RunAsync(ct)
                : ProbeResult.Failed("the pulse probe is switched off");
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            logger.LogError(e, "Job {Job} failed", PulseProbe.ProbeName);
            result = ProbeResult.Failed(e.Message);
        }
        if (!result.Success) logger.LogWarning("Job {Job} failed: {Message}", PulseProbe.ProbeName, result.Message);
        await runs.RecordAsync(new JobRun(PulseProbe.ProbeName, node.Id, startedAt, watch.Elapsed, result.Success, result.Message),
            CancellationToken.None);
    }
}
