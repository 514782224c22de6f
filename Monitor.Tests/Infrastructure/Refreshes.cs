using Monitor.Worker.Exporter;

namespace Monitor.Tests.Infrastructure;

public static class Refreshes
{
    /// <summary>A contributor's refresh on its own, its gauge settings then made as the exporter's commit makes them.</summary>
    public static async Task RefreshAndPublishAsync(this IMetricsContributor contributor, MetricsRefresh refresh)
    {
        await contributor.RefreshAsync(refresh, default);
        foreach (var set in refresh.Settings) set();
    }
}
