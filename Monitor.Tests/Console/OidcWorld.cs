using System.Net;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Monitor.Tests.Infrastructure;
using Monitor.Worker;
using Monitor.Worker.Endpoints;
using Monitor.Worker.StaffConsole;
using Monitor.Worker.Storage;

namespace Monitor.Tests.Console;

/// <summary>
/// The worker in-process on a fake clock, the real provider (OpenIddict on loopback), a person's cookies, and what the
/// worker's console logged.
/// </summary>
internal sealed class OidcWorld : IAsyncDisposable
{
    /// <summary>The default Console:Oidc:RecheckInterval, which the worker runs with here.</summary>
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromMinutes(15);

    private readonly ConsoleClient _noRedirects;
    private readonly HttpClient _follows;
    private readonly ConsoleLog _log;
    private int _notes;

    private OidcWorld(OidcProvider idp, WebApplication worker, FakeTimeProvider clock, ConsoleLog log)
    {
        Idp = idp;
        Worker = worker;
        Clock = clock;
        _log = log;
        var baseAddress = InProcessWorker.InternalUrl(worker);
        _noRedirects = new ConsoleClient(baseAddress);
        _follows = new HttpClient(new HttpClientHandler { CookieContainer = _noRedirects.Cookies }) { BaseAddress = baseAddress };
    }

    public OidcProvider Idp { get; }

    public WebApplication Worker { get; }

    public FakeTimeProvider Clock { get; }

    /// <summary>Notes saved through the test's staff-only form.</summary>
    public int Notes => _notes;

    /// <summary>What the console logged (Monitor.Worker.StaffConsole), level and message.</summary>
    public IReadOnlyList<(LogLevel Level, string Message)> Log => _log.Lines;

    public static string SignedInAs(string name, string role) => $"<strong>{name}</strong> (<span id=\"role\">{role}</span>)";

    public static async Task<OidcWorld> StartAsync(bool refreshTokens = true, bool revocation = true, bool endSession = true)
    {
        var port = TestPaths.FreePort();
        var idp = await OidcProvider.StartAsync(new Uri($"http://127.0.0.1:{port}"), refreshTokens, revocation, endSession);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var log = new ConsoleLog();
        OidcWorld? world = null;
        var settings = idp.WorkerSettings().Select(s => $"--{s.Key}={s.Value}").Append($"--Endpoints:Internal=http://127.0.0.1:{port}");
        var worker = await InProcessWorker.StartAsync(TestPaths.NewTempDir("sm-oidc-recheck"), [.. settings],
            a => a.MapPost("/console/test-note", () =>
            {
                Interlocked.Increment(ref world!._notes);
                return "saved";
            }).RequireAuthorization(ConsoleRoles.StaffPolicy).OnListener(Listener.Internal),
            b =>
            {
                b.Services.AddSingleton<TimeProvider>(clock);
                b.Logging.AddProvider(log);
            });
        world = new OidcWorld(idp, worker, clock, log);
        return world;
    }

    /// <summary>Signs in at the provider's form, as a person would.</summary>
    public async Task SignInAsync(IdpUser user)
    {
        using var login = await _follows.GetAsync("/console/");
        Assert.That(login.RequestMessage!.RequestUri!.AbsoluteUri, Does.StartWith(Idp.Authority + "login"));
        var returnUrl = QueryHelpers.ParseQuery(login.RequestMessage.RequestUri.Query)["ReturnUrl"].ToString();
        using var home = await _follows.PostAsync(new Uri(Idp.Authority + "login"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["login"] = user.Login, ["password"] = user.Password, ["returnUrl"] = returnUrl,
        }));
        Assert.That(home.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await home.Content.ReadAsStringAsync(), Does.Contain(SignedInAs(user.DisplayName, "staff")));
    }

    /// <summary>Clicks "Sign out" on the console's home: the worker's answer, not followed.</summary>
    /// <param name="leave">The person closes the tab: the request is dropped.</param>
    public async Task<HttpResponseMessage> SignOutAsync(CancellationToken leave = default)
    {
        Assert.That((await GetAsync("/console/")).Status, Is.EqualTo(HttpStatusCode.OK));
        return (await _noRedirects.PostAsync("/console/sign-out", new Dictionary<string, string>(), ct: leave)).Response;
    }

    /// <summary>Refresh tokens the worker keeps (rows of console_oidc_sessions that hold one).</summary>
    public async Task<long> StoredRefreshTokensAsync()
    {
        await using var c = await Worker.Services.GetRequiredService<Database>().OpenAsync();
        return await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM console_oidc_sessions WHERE refresh_token IS NOT NULL");
    }

    public async Task<(HttpStatusCode Status, string Html)> GetAsync(string path)
    {
        var (status, html, response) = await _noRedirects.GetAsync(path);
        response.Dispose();
        return (status, html);
    }

    public async Task<(HttpStatusCode Status, string Html)> FollowAsync(string path)
    {
        using var response = await _follows.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Posts the test's note form (no anti-forgery token: that endpoint is the test's own).</summary>
    public async Task<(HttpStatusCode Status, string Html)> PostAsync(string path)
    {
        var (status, html, response) = await _noRedirects.PostAsync(path, new Dictionary<string, string>(), withToken: false);
        response.Dispose();
        return (status, html);
    }

    public async ValueTask DisposeAsync()
    {
        _noRedirects.Dispose();
        _follows.Dispose();
        await Worker.DisposeAsync();
        await Idp.DisposeAsync();
    }

    // Only the console's own categories: the framework's lines are not the console's to promise anything about.
    private sealed class ConsoleLog : ILoggerProvider
    {
        private readonly List<(LogLevel, string)> _lines = [];

        public IReadOnlyList<(LogLevel Level, string Message)> Lines
        {
            get
            {
                lock (_lines) return [.. _lines];
            }
        }

        public ILogger CreateLogger(string categoryName) =>
            categoryName.StartsWith("Monitor.Worker.StaffConsole", StringComparison.Ordinal) ? new Category(this) : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        public void Dispose()
        {
        }

        private sealed class Category(ConsoleLog log) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
                Func<TState, Exception?, string> formatter)
            {
                lock (log._lines) log._lines.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}
