using System.Net.Http.Headers;

namespace Monitor.Tests.Infrastructure;

/// <summary>
/// The real worker as a child process (`dotnet Monitor.Worker.dll`), configured through environment
/// variables like an operator would, on free loopback ports. Disposing it kills it.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    public const string ApiKey = "test-admin-key-0123456789";

    private readonly RunningProcess _process;

    private WorkerProcess(RunningProcess process, int publicPort, int internalPort, string workDir)
    {
        _process = process;
        PublicUrl = new Uri($"http://127.0.0.1:{publicPort}");
        InternalUrl = new Uri($"http://127.0.0.1:{internalPort}");
        WorkDir = workDir;
        Http = new HttpClient { BaseAddress = InternalUrl, Timeout = TimeSpan.FromSeconds(30) };
        Admin = new HttpClient { BaseAddress = InternalUrl, Timeout = TimeSpan.FromSeconds(30) };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
    }

    public Uri PublicUrl { get; }

    public Uri InternalUrl { get; }

    public string WorkDir { get; }

    /// <summary>A client of the internal listener without credentials.</summary>
    public HttpClient Http { get; }

    /// <summary>A client of the internal listener with the admin key.</summary>
    public HttpClient Admin { get; }

    public string Log => _process.Output;

    /// <summary>The worker's node id as it records job runs (<c>NodeIdentity</c>: machine name and process id).</summary>
    public string NodeId => $"{Environment.MachineName}-{_process.Id}";

    public bool HasExited => _process.HasExited;

    /// <summary>The worker's process id, to read its memory from /proc.</summary>
    public int ProcessId => _process.Id;

    public int ExitCode => _process.ExitCode;

    public static string WorkerDll => Path.Combine(AppContext.BaseDirectory, "Monitor.Worker.dll");

    /// <summary>
    /// Starts a worker with fast intervals for tests; <paramref name="settings"/> (configuration keys with
    /// ':') override the defaults. Waits until /readyz answers 200.
    /// </summary>
    public static async Task<WorkerProcess> StartAsync(IDictionary<string, string>? settings = null, string? workDir = null,
        int? publicPort = null, int? internalPort = null)
    {
        workDir ??= TestPaths.NewTempDir("sm-worker");
        var pub = publicPort ?? TestPaths.FreePort();
        var inner = internalPort ?? TestPaths.FreePort();
        var config = new Dictionary<string, string>
        {
            ["Endpoints:Public"] = $"http://127.0.0.1:{pub}",
            ["Endpoints:Internal"] = $"http://127.0.0.1:{inner}",
            ["Admin:ApiKey"] = ApiKey,
            ["Directory:CsvPath"] = TestPaths.Samples("users.csv"),
            ["Directory:Interval"] = "00:00:02",
            ["Evaluation:Interval"] = "00:00:01",
            ["Metrics:RefreshInterval"] = "00:00:01",
            ["Metrics:GroupRefreshInterval"] = "00:00:01",
            ["Storage:ConnectionString"] = $"Data Source={Path.Combine(workDir, "monitor.db")}",
            // Every test client is 127.0.0.1: tests other than the rate-limit ones must not trip the public limits.
            ["RateLimits:ClientPermits"] = "100000",
            ["RateLimits:TokenPermits"] = "100000",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string>()) config[k] = v;

        var environment = config.ToDictionary(c => c.Key.Replace(":", "__", StringComparison.Ordinal), c => c.Value);
        environment["DOTNET_NOLOGO"] = "1";
        environment["Logging__Console__FormatterName"] = "simple";

        var worker = new WorkerProcess(ProcessRunner.Start("dotnet", [WorkerDll], workDir, environment), pub, inner, workDir);
        await worker.WaitReadyAsync(TimeSpan.FromSeconds(60));
        return worker;
    }

    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The worker exited ({_process.ExitCode}):\n{Log}");
            try
            {
                using var r = await Http.GetAsync("/readyz");
                if (r.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"The worker was not ready within {timeout}:\n{Log}");
    }

    public async Task<string> MetricsAsync() => await Http.GetStringAsync("/metrics");

    /// <summary>
    /// Polls until <paramref name="condition"/> holds on the metrics text and returns that scrape (each scrape shows one
    /// whole refresh of the exporter); or fails with the last text.
    /// </summary>
    public async Task<string> WaitForMetricsAsync(Func<string, bool> condition, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        var text = "";
        while (DateTime.UtcNow < until)
        {
            text = await MetricsAsync();
            if (condition(text)) return text;
            await Task.Delay(250);
        }
        Assert.Fail($"Metrics did not reach the expected condition within {timeout}. Last scrape:\n{text}\nLog:\n{Log}");
        return text;
    }

    /// <summary>SIGKILL: no graceful shutdown, as in a crash.</summary>
    public void Kill() => _process.Kill();

    /// <summary>SIGTERM, as an orchestrator stops a container: a graceful shutdown.</summary>
    public void Terminate() => _ = SendSignal(_process.Id, 15);

    /// <summary>Waits until the process has exited (after <see cref="Terminate"/>).</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        Kill();
        Http.Dispose();
        Admin.Dispose();
        _process.Dispose();
        await Task.CompletedTask;
    }
}
