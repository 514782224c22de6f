using Microsoft.Extensions.Options;
using Monitor.Core.Ports;

namespace Monitor.Worker.Downtime;

/// <summary>Deletes downtimes (with the users they list) that ended more than <c>Downtime:KeepEnded</c> ago.</summary>
public sealed class DowntimeRetentionJob(DowntimeRepository store, IOptions<DowntimeOptions> options, TimeProvider time) : IProbe
{
    public const string JobName = "downtime_retention";

    public string Name => JobName;

    public async Task<ProbeResult> RunAsync(CancellationToken cancellationToken)
    {
        var pruned = await store.PruneAsync(time.GetUtcNow() - options.Value.KeepEnded, cancellationToken);
        return ProbeResult.Ok($"{pruned} ended downtimes deleted");
    }
}
