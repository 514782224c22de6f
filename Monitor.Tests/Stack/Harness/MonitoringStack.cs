namespace Monitor.Tests.Stack.Harness;

public sealed class MonitoringStackOptions
{
    /// <summary>The /metrics URL Prometheus scrapes: the stub's, or the real worker's internal listener (http://127.0.0.1:9464/metrics).</summary>
    public required Uri Target { get; init; }

    /// <summary>Sent as <c>Authorization: Bearer</c> when scraping, should /metrics ever sit behind the admin key.</summary>
    public string? BearerToken { get; init; }

    public TimeSpan ScrapeInterval { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan EvaluationInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Replaces every rule's <c>for:</c> (null keeps the project's durations).</summary>
    public string? RuleForOverride { get; init; } = "0s";

    public IReadOnlyList<string> RuleFiles { get; init; } =
        [RepoFiles.PathOf("prometheus/rules/satisfaction.rules.yml"), RepoFiles.PathOf("prometheus/rules/objectives.rules.yml")];

    /// <summary>Further rule files given as text, e.g. <see cref="StackScenario.SiteOutageRuleFile"/>.</summary>
    public IReadOnlyList<string> ExtraRuleFiles { get; init; } = [];

    public string AlertmanagerConfig { get; init; } = RepoFiles.PathOf("prometheus/alertmanager.yml");

    public TimeSpan GroupWait { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan GroupInterval { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Prometheus + Alertmanager + a webhook receiver, all real, on loopback ports and in a temporary directory, watching one
/// target. Start it in a fixture's OneTimeSetUp with <see cref="StartAsync"/> and dispose it in OneTimeTearDown.
/// </summary>
public sealed class MonitoringStack : IAsyncDisposable
{
    private readonly string _directory;

    private MonitoringStack(string directory, WebhookReceiver webhook, AlertmanagerServer alertmanager, PrometheusServer prometheus)
    {
        _directory = directory;
        Webhook = webhook;
        Alertmanager = alertmanager;
        Prometheus = prometheus;
    }

    public WebhookReceiver Webhook { get; }

    public AlertmanagerServer Alertmanager { get; }

    public PrometheusServer Prometheus { get; }

    /// <summary>Both servers' logs and the notifications received, for a failing test's message.</summary>
    public string Diagnostics =>
        $"--- Prometheus log ---\n{Prometheus.Log}\n--- Alertmanager log ---\n{Alertmanager.Log}\n--- Webhook ---\n{Webhook.Describe()}";

    public static async Task<MonitoringStack> StartAsync(MonitoringStackOptions options, CancellationToken cancellationToken = default)
    {
        var directory = Path.Combine(Path.GetTempPath(), "satisfaction-stack-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        WebhookReceiver? webhook = null;
        AlertmanagerServer? alertmanager = null;
        try
        {
            webhook = new WebhookReceiver();
            alertmanager = await AlertmanagerServer.StartAsync(options, webhook.BaseUri, Path.Combine(directory, "alertmanager"), cancellationToken);
            var prometheus = await PrometheusServer.StartAsync(options, alertmanager.BaseUri, Path.Combine(directory, "prometheus"), cancellationToken);
            return new MonitoringStack(directory, webhook, alertmanager, prometheus);
        }
        catch
        {
            if (alertmanager is not null)
            {
                await alertmanager.DisposeAsync();
            }

            if (webhook is not null)
            {
                await webhook.DisposeAsync();
            }

            TryDelete(directory);
            throw;
        }
    }

    /// <summary>Waits until Prometheus has scraped the target successfully.</summary>
    public Task WaitForTargetUpAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        Prometheus.WaitForDataAsync($"up{{job=\"{PrometheusServer.JobName}\"}} == 1", timeout, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Prometheus.DisposeAsync();
        await Alertmanager.DisposeAsync();
        await Webhook.DisposeAsync();
        TryDelete(_directory);
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // a server still closing a file; the temp folder is cleaned by the OS later
        }
    }
}
