using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Monitor.Worker.Storage;
using Quartz;

namespace Monitor.Worker.Endpoints;

/// <summary>/healthz: the process answers. /readyz: the store is reachable, its schema current, the scheduler running.</summary>
public static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    public static IServiceCollection AddMonitorHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<StoreHealthCheck>("store", tags: [ReadyTag])
            .AddQuartz(o => { }) ;
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

    private sealed class StoreHealthCheck(Database db) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            try
            {
                await using var c = await db.OpenAsync(ct);
                await using var cmd = c.CreateCommand();
                cmd.CommandText = "SELECT 1";
                await cmd.ExecuteScalarAsync(ct);
                return db.SchemaCurrent()
                    ? HealthCheckResult.Healthy($"{(db.IsPostgres ? "postgres" : "sqlite")} reachable, schema current")
                    : HealthCheckResult.Unhealthy("schema has pending migrations");
            }
            catch (Exception e)
            {
                return HealthCheckResult.Unhealthy($"store unreachable: {e.Message}");
            }
        }
    }
}
