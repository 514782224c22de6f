using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Monitor.Worker.Storage;
using Quartz;

namespace Monitor.Worker.Endpoints;

/// <summary>
/// /healthz: the process answers. /readyz: the store can be written, its schema current, the scheduler running;
/// every check within a second (<see cref="BoundedHealthChecks"/>).
/// </summary>
public static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    public static IServiceCollection AddMonitorHealthChecks(this IServiceCollection services)
    {
        // One instance: it holds its own small PostgreSQL pool with short timeouts (StoreWriteCheck).
        services.AddSingleton<StoreWriteCheck>();
        services.AddHealthChecks()
            .AddCheck<StoreWriteCheck>("store", tags: [ReadyTag])
            .AddQuartz(o => { }) ;
        services.BoundHealthChecks();
        return services;
    }

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).OnListener(Listener.Internal);
        app.MapHealthChecks("/readyz", new HealthCheckOptions { ResponseWriter = WriteAsync }).OnListener(Listener.Internal);
        return app;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), e.Value.Description }),
        });
    }
}
