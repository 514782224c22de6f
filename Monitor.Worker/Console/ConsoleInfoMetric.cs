using Microsoft.Extensions.Options;
using Monitor.Worker.Endpoints;

namespace Monitor.Worker.StaffConsole;

/// <summary>
/// <c>satisfaction_console_info{url}</c>: where people open the console, joined into alert expressions so that a
/// notification links to the user's page. The URL is configuration, never something a person typed.
/// </summary>
internal sealed class ConsoleInfoMetric(IOptions<ConsoleOptions> console, IOptions<EndpointOptions> endpoints) : IHostedService
{
    private static readonly Prometheus.Gauge Info = Prometheus.Metrics.CreateGauge("satisfaction_console_info",
        "Always 1; the url label is where the IT staff console is reached (Console:PublicUrl).", "url");

    public static string UrlOf(ConsoleOptions console, EndpointOptions endpoints) =>
        (string.IsNullOrEmpty(console.PublicUrl) ? endpoints.Internal : console.PublicUrl).TrimEnd('/');

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Info.WithLabels(UrlOf(console.Value, endpoints.Value)).Set(1);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
