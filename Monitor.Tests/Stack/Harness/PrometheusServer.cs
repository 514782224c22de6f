using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Stack.Harness;

/// <summary>The answer of Prometheus' /api/v1/query: its status, error and result (vector, matrix, scalar or string).</summary>
public sealed record QueryResult(string Status, string? Error, string ResultType, JsonElement Result, string Body)
{
    public bool IsSuccess => Status == "success";

    public bool IsEmpty => ResultType is "vector" or "matrix" ? Result.GetArrayLength() == 0 : false;

    /// <summary>The label sets of a vector or matrix result.</summary>
    public IEnumerable<IReadOnlyDictionary<string, string>> Series =>
        ResultType is "vector" or "matrix"
            ? Result.EnumerateArray().Select(s => (IReadOnlyDictionary<string, string>)s.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? ""))
            : [];
}

/// <summary>
/// A real Prometheus (the Debian binary) in a temporary directory on a free loopback port, scraping one target and
/// evaluating the project's rule files (with their <c>for:</c> durations shortened, so that a test needs seconds, not minutes).
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    public const string JobName = "satisfaction-monitor";

    private readonly RunningProcess _process;
    private readonly string _directory;

    private PrometheusServer(RunningProcess process, string directory, Uri baseUri, HttpClient http)
    {
        _process = process;
        _directory = directory;
        BaseUri = baseUri;
        Http = http;
    }

    public Uri BaseUri { get; }

    public HttpClient Http { get; }

    public string Log => _process.Output;

    public static async Task<PrometheusServer> StartAsync(MonitoringStackOptions options, Uri? alertmanager, string directory, CancellationToken cancellationToken)
    {
        var binary = ProcessRunner.RequireTool("PROMETHEUS_BIN", "prometheus", "prometheus");
        Directory.CreateDirectory(directory);
        var rulesDirectory = Path.Combine(directory, "rules");
        Directory.CreateDirectory(rulesDirectory);
        var ruleFiles = new List<string>();
        foreach (var ruleFile in options.RuleFiles)
        {
            var text = File.ReadAllText(ruleFile);
            if (options.RuleForOverride is { } duration)
            {
                text = Regex.Replace(text, @"^(\s+)for:\s*\S+", $"$1for: {duration}", RegexOptions.Multiline);
            }

            var copy = Path.Combine(rulesDirectory, Path.GetFileName(ruleFile));
            File.WriteAllText(copy, text);
            ruleFiles.Add(copy);
        }

        for (var i = 0; i < options.ExtraRuleFiles.Count; i++)
        {
            var extra = Path.Combine(rulesDirectory, $"extra-{i}.rules.yml");
            File.WriteAllText(extra, options.ExtraRuleFiles[i]);
            ruleFiles.Add(extra);
        }

        var port = TestPaths.FreePort();
        var config = Path.Combine(directory, "prometheus.yml");
        File.WriteAllText(config, Config(options, alertmanager, ruleFiles));
        var process = ProcessRunner.Start(binary,
        [
            $"--config.file={config}",
            $"--storage.tsdb.path={Path.Combine(directory, "data")}",
            $"--web.listen-address=127.0.0.1:{port}",
            "--rules.alert.resend-delay=1s",
            "--log.level=warn",
        ], directory);
        var baseUri = new Uri($"http://127.0.0.1:{port}/");
        var server = new PrometheusServer(process, directory, baseUri, new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(10) });
        try
        {
            await WaitReadyAsync(server.Http, process, "Prometheus", options.StartTimeout, cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    internal static async Task WaitReadyAsync(HttpClient http, RunningProcess process, string name, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited at start:\n{process.Output}");
            }

            try
            {
                using var response = await http.GetAsync("-/ready", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"{name} not ready within {timeout}:\n{process.Output}");
    }

    private static string Config(MonitoringStackOptions options, Uri? alertmanager, List<string> ruleFiles)
    {
        var target = options.Target;
        var seconds = (TimeSpan t) => $"{(int)Math.Max(1, t.TotalSeconds)}s";
        var authorization = options.BearerToken is null ? "" : $"\n    authorization:\n      credentials: '{options.BearerToken}'";
        var alerting = alertmanager is null ? "" :
            $"""

            alerting:
              alertmanagers:
                - static_configs:
                    - targets: ['{alertmanager.Authority}']
            """;
        return $"""
            global:
              scrape_interval: {seconds(options.ScrapeInterval)}
              scrape_timeout: {seconds(options.ScrapeInterval)}
              evaluation_interval: {seconds(options.EvaluationInterval)}
            rule_files:
            {string.Join("\n", ruleFiles.Select(f => $"  - '{f}'"))}
            {alerting}
            scrape_configs:
              - job_name: {JobName}
                scheme: {target.Scheme}
                metrics_path: '{target.AbsolutePath}'{authorization}
                static_configs:
                  - targets: ['{target.Authority}']
            """;
    }

    /// <summary>An instant query through /api/v1/query; never throws on a PromQL error (the result says it).</summary>
    public async Task<QueryResult> QueryAsync(string promql, CancellationToken cancellationToken = default)
    {
        using var response = await Http.PostAsync("api/v1/query", new FormUrlEncodedContent(new Dictionary<string, string> { ["query"] = promql }), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        var status = root.GetProperty("status").GetString() ?? "";
        if (status != "success")
        {
            return new QueryResult(status, root.TryGetProperty("error", out var error) ? error.GetString() : body, "", default, body);
        }

        var data = root.GetProperty("data");
        return new QueryResult(status, null, data.GetProperty("resultType").GetString() ?? "", data.GetProperty("result").Clone(), body);
    }

    /// <summary>Values of a label over the series a selector matches (what Grafana's label_values() variable does).</summary>
    public async Task<IReadOnlyList<string>> LabelValuesAsync(string label, string? match, CancellationToken cancellationToken = default)
    {
        var url = $"api/v1/label/{Uri.EscapeDataString(label)}/values" + (match is null ? "" : $"?match[]={Uri.EscapeDataString(match)}");
        using var document = JsonDocument.Parse(await Http.GetStringAsync(url, cancellationToken));
        return document.RootElement.GetProperty("data").EnumerateArray().Select(v => v.GetString() ?? "").ToList();
    }

    /// <summary>Polls <paramref name="promql"/> until it returns data; throws a TimeoutException with the last answer otherwise.</summary>
    public async Task<QueryResult> WaitForDataAsync(string promql, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        QueryResult? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await QueryAsync(promql, cancellationToken);
            if (last.IsSuccess && !last.IsEmpty)
            {
                return last;
            }

            await Task.Delay(250, cancellationToken);
        }

        throw new TimeoutException($"'{promql}' returned no data within {timeout}: {last?.Body}\nPrometheus log:\n{Log}");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        _process.Dispose();
        await Task.CompletedTask;
    }
}
