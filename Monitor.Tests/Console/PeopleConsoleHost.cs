using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Monitor.Core.Ports;
using Monitor.Tests.Infrastructure;
using Monitor.Worker;
using Monitor.Worker.StaffConsole;

namespace Monitor.Tests.Console;

/// <summary>
/// The real worker host in-process (SQLite in a temp folder, loopback ports) with the local account, a test
/// section of the user page, a test headline and a recording audit log registered as a feature would.
/// </summary>
public sealed class PeopleConsoleHost : IAsyncDisposable
{
    public const string Password = "people-console-password-1";

    private readonly WebApplication _app;

    private PeopleConsoleHost(WebApplication app, RecordingAudit audit)
    {
        _app = app;
        Audit = audit;
        InternalUrl = new Uri(app.Urls.Last());
        Admin = new HttpClient { BaseAddress = InternalUrl, Timeout = TimeSpan.FromSeconds(30) };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", WorkerProcess.ApiKey);
    }

    public Uri InternalUrl { get; }

    public HttpClient Admin { get; }

    public RecordingAudit Audit { get; }

    public static async Task<PeopleConsoleHost> StartAsync(params string[] more)
    {
        var dir = TestPaths.NewTempDir("sm-people");
        var audit = new RecordingAudit();
        var app = Cli.BuildApp(
        [
            $"--Storage:ConnectionString=Data Source={Path.Combine(dir, "monitor.db")}",
            $"--Endpoints:Public=http://127.0.0.1:{TestPaths.FreePort()}",
            $"--Endpoints:Internal=http://127.0.0.1:{TestPaths.FreePort()}",
            $"--Admin:ApiKey={WorkerProcess.ApiKey}",
            $"--Directory:CsvPath={TestPaths.Samples("users.csv")}",
            "--Directory:Interval=00:00:02",
            "--Evaluation:Interval=00:00:01",
            "--Metrics:RefreshInterval=00:00:01",
            $"--Console:LocalAccount:Password={Password}",
            .. more,
        ], builder =>
        {
            builder.Services.AddUserPageSection<TestSection>();
            builder.Services.AddSingleton<IHeadlineSource, TestHeadline>();
            builder.Services.AddSingleton<IAuditLog>(audit);
            // The shutdown watchdog would kill the test runner, the process this host runs in.
            foreach (var d in builder.Services.Where(d => d.ImplementationType == typeof(ShutdownWatchdog)).ToList())
                builder.Services.Remove(d);
        });
        await app.StartAsync();
        return new PeopleConsoleHost(app, audit);
    }

    /// <summary>Sends a -1 touchpoint (retrying while the directory is imported) and waits until the API says down.</summary>
    public async Task MakeDownAsync(string user, string comment)
    {
        for (var i = 0; ; i++)
        {
            using var r = await Admin.PostAsJsonAsync($"/api/users/{user}/signals", new { kind = "touchpoint", score = -1.0, comment });
            if (r.IsSuccessStatusCode) break;
            Assert.That(i, Is.LessThan(150), $"the signal was refused: {r.StatusCode}");
            await Task.Delay(200);
        }
        for (var i = 0; i < 150; i++)
        {
            var detail = await Admin.GetFromJsonAsync<JsonElement>($"/api/users/{user}");
            if (detail.GetProperty("state").ToString() is "down" or "Down" or "3") return;
            await Task.Delay(200);
        }
        Assert.Fail($"{user} never went down");
    }

    public async Task<string> MetricsAsync() => await Admin.GetStringAsync("/metrics");

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>A feature's section, as the visits and actions features add theirs.</summary>
    public sealed class TestSection : IUserPageSection
    {
        public int Order => 10;

        public Task<string> RenderAsync(UserPageContext page, CancellationToken cancellationToken) => Task.FromResult(
            $"<h2>Test section</h2><p id=\"test-section\">Section for {HtmlEncoder.Default.Encode(page.User.DisplayName)} " +
            $"seen by {HtmlEncoder.Default.Encode(page.Actor.Name)}</p>");
    }

    public sealed class TestHeadline : IHeadlineSource
    {
        public int Order => 1;

        public Task<IReadOnlyList<Headline>> ReadAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<Headline>>([new Headline(HeadlineLabels.LastVisit, "Yesterday <Paris>, 3 this month")]);
    }

    public sealed class RecordingAudit : IAuditLog
    {
        public ConcurrentQueue<AuditEntry> Entries { get; } = new();

        public Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken)
        {
            Entries.Enqueue(entry);
            return Task.CompletedTask;
        }
    }
}
