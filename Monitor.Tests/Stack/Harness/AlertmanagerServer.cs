using System.Text.Json;
using Monitor.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Monitor.Tests.Stack.Harness;

/// <summary>An alert as Alertmanager's /api/v2/alerts shows it: labels, state (active, suppressed) and what inhibits it.</summary>
public sealed record AlertmanagerAlert(IReadOnlyDictionary<string, string> Labels, string State, IReadOnlyList<string> InhibitedBy, IReadOnlyList<string> Receivers);

/// <summary>
/// A real Alertmanager (the Debian binary) on a free loopback port, running the project's prometheus/alertmanager.yml with
/// its route tree and inhibit rules kept, every receiver replaced by a webhook to the test's receiver
/// (<c>{webhook}/{receiver name}</c>) and the group timings shortened.
/// </summary>
public sealed class AlertmanagerServer : IAsyncDisposable
{
    private readonly RunningProcess _process;

    private AlertmanagerServer(RunningProcess process, Uri baseUri)
    {
        _process = process;
        BaseUri = baseUri;
        Http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(10) };
    }

    public Uri BaseUri { get; }

    public HttpClient Http { get; }

    public string Log => _process.Output;

    public static async Task<AlertmanagerServer> StartAsync(MonitoringStackOptions options, Uri webhook, string directory, CancellationToken cancellationToken)
    {
        var binary = ProcessRunner.RequireTool("ALERTMANAGER_BIN", "prometheus-alertmanager", "prometheus-alertmanager", "alertmanager");
        Directory.CreateDirectory(directory);
        var config = Path.Combine(directory, "alertmanager.yml");
        File.WriteAllText(config, RewriteConfig(File.ReadAllText(options.AlertmanagerConfig), webhook, options));
        var port = TestPaths.FreePort();
        var process = ProcessRunner.Start(binary,
        [
            $"--config.file={config}",
            $"--storage.path={Path.Combine(directory, "data")}",
            $"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=",
            "--log.level=warn",
        ], directory);
        var server = new AlertmanagerServer(process, new Uri($"http://127.0.0.1:{port}/"));
        try
        {
            await PrometheusServer.WaitReadyAsync(server.Http, process, "Alertmanager", options.StartTimeout, cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>The project's configuration with webhook receivers and short group timings; routes and inhibit rules untouched.</summary>
    public static string RewriteConfig(string yaml, Uri webhook, MonitoringStackOptions options)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;

        var route = (YamlMappingNode)root.Children[new YamlScalarNode("route")];
        Tune(route, isRoot: true, options);

        var receivers = (YamlSequenceNode)root.Children[new YamlScalarNode("receivers")];
        var replaced = new YamlSequenceNode();
        foreach (var receiver in receivers.Children.Cast<YamlMappingNode>())
        {
            var name = ((YamlScalarNode)receiver.Children[new YamlScalarNode("name")]).Value!;
            replaced.Add(new YamlMappingNode(
                new YamlScalarNode("name"), new YamlScalarNode(name),
                new YamlScalarNode("webhook_configs"), new YamlSequenceNode(new YamlMappingNode(
                    new YamlScalarNode("url"), new YamlScalarNode(new Uri(webhook, Uri.EscapeDataString(name)).ToString()),
                    new YamlScalarNode("send_resolved"), new YamlScalarNode("true")))));
        }

        root.Children[new YamlScalarNode("receivers")] = replaced;
        using var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    private static void Tune(YamlMappingNode route, bool isRoot, MonitoringStackOptions options)
    {
        var wait = $"{(int)Math.Max(1, options.GroupWait.TotalSeconds)}s";
        var interval = $"{(int)Math.Max(1, options.GroupInterval.TotalSeconds)}s";
        foreach (var (key, value) in new[] { ("group_wait", wait), ("group_interval", interval) })
        {
            if (isRoot || route.Children.ContainsKey(new YamlScalarNode(key)))
            {
                route.Children[new YamlScalarNode(key)] = new YamlScalarNode(value);
            }
        }

        if (route.Children.TryGetValue(new YamlScalarNode("routes"), out var children) && children is YamlSequenceNode routes)
        {
            foreach (var child in routes.Children.OfType<YamlMappingNode>())
            {
                Tune(child, isRoot: false, options);
            }
        }
    }

    /// <summary>The alerts Alertmanager holds now, active, suppressed (inhibited or silenced) or not.</summary>
    public async Task<IReadOnlyList<AlertmanagerAlert>> AlertsAsync(CancellationToken cancellationToken = default)
    {
        using var document = JsonDocument.Parse(await Http.GetStringAsync("api/v2/alerts", cancellationToken));
        return document.RootElement.EnumerateArray().Select(a => new AlertmanagerAlert(
            a.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? ""),
            a.GetProperty("status").GetProperty("state").GetString() ?? "",
            a.GetProperty("status").GetProperty("inhibitedBy").EnumerateArray().Select(v => v.GetString() ?? "").ToList(),
            a.GetProperty("receivers").EnumerateArray().Select(r => r.GetProperty("name").GetString() ?? "").ToList())).ToList();
    }

    /// <summary>Polls until an alert matching <paramref name="match"/> is held; throws a TimeoutException listing what is held.</summary>
    public async Task<AlertmanagerAlert> WaitForAlertAsync(Func<AlertmanagerAlert, bool> match, TimeSpan timeout, string what, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        IReadOnlyList<AlertmanagerAlert> last = [];
        while (DateTime.UtcNow < deadline)
        {
            last = await AlertsAsync(cancellationToken);
            var found = last.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            await Task.Delay(250, cancellationToken);
        }

        throw new TimeoutException($"Alertmanager held no {what} within {timeout}. Held: " +
            string.Join("; ", last.Select(a => $"{string.Join(",", a.Labels.Select(l => $"{l.Key}={l.Value}"))} [{a.State}]")));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        _process.Dispose();
        await Task.CompletedTask;
    }
}
