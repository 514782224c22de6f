using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Monitor.Worker.Endpoints;

/// <summary>
/// Puts a time limit on every health check, whoever wrote it: Quartz's check connects to a clustered job store with
/// the driver's own timeouts (3-4 s to fail while PostgreSQL is down), and a readiness probe with a 1-2 s timeout
/// would see a timeout instead of a 503. A check that does not answer in time is reported with its failure status.
/// Racing rather than cancelling, because not every check observes its cancellation token promptly.
/// </summary>
public static class BoundedHealthChecks
{
    public static readonly TimeSpan Limit = TimeSpan.FromMilliseconds(900);

    public static IServiceCollection BoundHealthChecks(this IServiceCollection services) =>
        services.PostConfigure<HealthCheckServiceOptions>(o =>
        {
            foreach (var registration in o.Registrations)
            {
                var factory = registration.Factory;
                registration.Factory = sp => new Bounded(factory(sp));
            }
        });

    private sealed class Bounded(IHealthCheck inner) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(Limit);
            var check = inner.CheckHealthAsync(context, limit.Token);
            if (await Task.WhenAny(check, Task.Delay(Limit, ct)) == check) return await check;
            // Observed later, so that a late failure is not an unobserved task exception.
            _ = check.ContinueWith(t => t.Exception, TaskScheduler.Default);
            return new HealthCheckResult(context.Registration.FailureStatus, $"no answer within {Limit.TotalSeconds:0.#} s");
        }
    }
}
