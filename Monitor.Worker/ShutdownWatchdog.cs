using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace Monitor.Worker;

/// <summary>
/// Makes SIGTERM final. A graceful stop waits for running jobs and the outbox batch in flight; but when the
/// database has gone away first, Quartz's clustered store keeps retrying its shutdown and the process would
/// never exit, which an orchestrator then has to SIGKILL anyway. After the host's shutdown timeout and a
/// short grace, the watchdog logs why and kills the process itself. Nothing is lost: the outbox and the
/// job store are durable, and work in flight is resumed by the next start or by another replica.
/// </summary>
public sealed class ShutdownWatchdog(IHostApplicationLifetime lifetime, IOptions<HostOptions> host, ILogger<ShutdownWatchdog> logger)
    : IHostedService
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(() =>
        {
            var limit = host.Value.ShutdownTimeout + Grace;
            // A stop that finishes in time stands the watchdog down (an in-process host must not take its caller with it).
            var stopped = lifetime.ApplicationStopped;
            _ = Task.Run(async () =>
            {
                try
                {
                    await Task.Delay(limit, stopped);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                logger.LogCritical(
                    "Graceful shutdown did not finish within {Limit}; exiting now (work in flight resumes on the next start)", limit);
                await Task.Delay(200);
                Process.GetCurrentProcess().Kill();
            });
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
