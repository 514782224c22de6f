using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Monitor.Tests.Infrastructure;
using Monitor.Worker;
using Monitor.Worker.StaffConsole;

namespace Monitor.Tests.Console;

/// <summary>The real worker host in-process on loopback ports, its SQLite store in <c>dir</c> (kept across restarts).</summary>
internal static class InProcessWorker
{
    public static string[] Args(string dir, params string[] more) =>
    [
        $"--Storage:ConnectionString=Data Source={Path.Combine(dir, "monitor.db")}",
        $"--Endpoints:Public=http://127.0.0.1:{TestPaths.FreePort()}",
        $"--Endpoints:Internal=http://127.0.0.1:{TestPaths.FreePort()}",
        $"--Admin:ApiKey={WorkerProcess.ApiKey}",
        $"--Directory:CsvPath={TestPaths.Samples("users.csv")}",
        .. more,
    ];

    public static Uri PublicUrl(WebApplication app) => new(app.Urls.First());

    public static Uri InternalUrl(WebApplication app) => new(app.Urls.Last());

    public static Task<WebApplication> StartAsync(string dir, params string[] more) => StartAsync(dir, more, null);

    /// <summary>Starts the worker; <paramref name="map"/> adds a test's own endpoints first.</summary>
    public static async Task<WebApplication> StartAsync(string dir, string[] more, Action<WebApplication>? map,
        Action<WebApplicationBuilder>? configure = null)
    {
        var app = Cli.BuildApp(Args(dir, more), b =>
        {
            WithoutWatchdog(b);
            configure?.Invoke(b);
        });
        map?.Invoke(app);
        await app.StartAsync();
        return app;
    }

    /// <summary>
    /// A session cookie as the console issues it after a provider's sign-in, for a person of <paramref name="role"/>: what an
    /// OpenID Connect sign-in would set, without a provider.
    /// </summary>
    public static string SessionCookie(WebApplication app, string name, string role)
    {
        var cookie = app.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(ConsoleExtensions.CookieScheme);
        var properties = new AuthenticationProperties { ExpiresUtc = DateTimeOffset.UtcNow.AddHours(1) };
        var ticket = new AuthenticationTicket(ConsoleRoles.Principal(name, role, "oidc", "sub-" + name), properties,
            ConsoleExtensions.CookieScheme);
        return cookie.TicketDataFormat.Protect(ticket);
    }

    // The shutdown watchdog would kill the test runner, the process this host runs in.
    private static void WithoutWatchdog(WebApplicationBuilder builder)
    {
        foreach (var d in builder.Services.Where(d => d.ImplementationType == typeof(ShutdownWatchdog)).ToList())
            builder.Services.Remove(d);
    }
}
