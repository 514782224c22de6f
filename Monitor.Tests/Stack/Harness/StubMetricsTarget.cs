using Microsoft.AspNetCore.Http;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Stack.Harness;

/// <summary>Serves <see cref="StackScenario.RenderMetrics"/> at /metrics, standing in for the worker's internal listener.</summary>
public sealed class StubMetricsTarget : IAsyncDisposable
{
    private readonly LoopbackHttpServer _server;
    private int _scrapes;

    public StubMetricsTarget() =>
        _server = new LoopbackHttpServer(async context =>
        {
            if (context.Request.Path != "/metrics")
            {
                context.Response.StatusCode = 404;
                return;
            }

            var scrape = Interlocked.Increment(ref _scrapes) - 1;
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await context.Response.WriteAsync(StackScenario.RenderMetrics(scrape, DateTimeOffset.UtcNow));
        });

    public Uri MetricsUri => new(_server.BaseUri, "metrics");

    public int Scrapes => Volatile.Read(ref _scrapes);

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
