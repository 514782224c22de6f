using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Monitor.Tests.Infrastructure;
using Monitor.Worker;
using Monitor.Worker.Endpoints;
using Monitor.Worker.StaffConsole;

namespace Monitor.Tests.Console;

/// <summary>
/// A session of the local account lasts only as long as the account it signed in to: restarted with the same account
/// it holds (the key ring is in the store), but renamed, with another password, or replaced by an identity provider,
/// a copy of the old cookie no longer opens the console. And the console's cookie signs nobody in on the public listener.
/// </summary>
public sealed class ConsoleSessionAccountTests
{
    private const string Password = "first-password-1";

    private static IEnumerable<TestCaseData> Changes()
    {
        yield return Case(["--Console:LocalAccount:Password=another-password-2"], "Password changed");
        yield return Case(["--Console:LocalAccount:User=carol", $"--Console:LocalAccount:Password={Password}"], "Account renamed");
        yield return Case(
        [
            "--Console:Oidc:Authority=http://127.0.0.1:9/", $"--Console:Oidc:ClientId={OidcProvider.ClientId}",
            $"--Console:Oidc:ClientSecret={OidcProvider.ClientSecret}", $"--Console:Oidc:StaffRoles:0={OidcProvider.StaffValue}",
        ], "Identity provider instead");
    }

    private static TestCaseData Case(string[] settings, string name) => new TestCaseData(new object[] { settings }).SetName(name);

    [TestCaseSource(nameof(Changes))]
    public async Task A_local_session_ends_when_its_account_changes(string[] changed)
    {
        var dir = TestPaths.NewTempDir("sm-session-account");
        string cookie;
        await using (var first = await InProcessWorker.StartAsync(dir, $"--Console:LocalAccount:Password={Password}"))
        {
            using var person = new ConsoleClient(InProcessWorker.InternalUrl(first));
            Assert.That(await person.SignInAsync("admin", Password), Is.True);
            cookie = person.Cookies.GetCookies(new Uri(InProcessWorker.InternalUrl(first), "/console/"))["monitor-console"]!.Value;
        }
        await using (var same = await InProcessWorker.StartAsync(dir, $"--Console:LocalAccount:Password={Password}"))
            Assert.That(await HomeAsync(same, cookie), Is.EqualTo(HttpStatusCode.OK), "the same account after a restart");
        await using var other = await InProcessWorker.StartAsync(dir, changed);
        Assert.That(await HomeAsync(other, cookie), Is.EqualTo(HttpStatusCode.Redirect), "the old session is refused");
    }

    [Test]
    public async Task A_stamp_made_without_the_server_key_opens_nothing()
    {
        await using var app = await InProcessWorker.StartAsync(TestPaths.NewTempDir("sm-session-stamp"), $"--Console:LocalAccount:Password={Password}");
        // What anyone who knows (or guesses) the name and password could compute: the plain hash the stamp used to be.
        var unkeyed = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"ADMIN\n{Password}")));
        var real = await app.Services.GetRequiredService<LocalAccount>().StampAsync(default);
        Assert.That(await HomeAsync(app, LocalCookie(app, real!)), Is.EqualTo(HttpStatusCode.OK), "the server's own stamp");
        Assert.That(await HomeAsync(app, LocalCookie(app, unkeyed)), Is.EqualTo(HttpStatusCode.Redirect), "the unkeyed stamp is refused");
    }

    private static string LocalCookie(WebApplication app, string stamp)
    {
        var cookie = app.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(ConsoleExtensions.CookieScheme);
        var properties = new AuthenticationProperties { ExpiresUtc = DateTimeOffset.UtcNow.AddHours(1) };
        var principal = ConsoleRoles.Principal("admin", ConsoleRoles.Staff, "local", account: stamp);
        return cookie.TicketDataFormat.Protect(new AuthenticationTicket(principal, properties, ConsoleExtensions.CookieScheme));
    }

    [Test]
    public async Task The_console_cookie_signs_nobody_in_on_the_public_listener()
    {
        await using var app = await InProcessWorker.StartAsync(TestPaths.NewTempDir("sm-session-public"), [$"--Console:LocalAccount:Password={Password}"],
            a =>
            {
                a.MapGet("/p/test-actor", (ICurrentActor actor) => actor.Current?.Name ?? "nobody").OnListener(Listener.Public);
                a.MapGet("/console/test-actor", (ICurrentActor actor) => actor.Current?.Name ?? "nobody").OnListener(Listener.Internal);
            });
        using var person = new ConsoleClient(InProcessWorker.InternalUrl(app));
        Assert.That(await person.SignInAsync("admin", Password), Is.True);
        var cookie = person.Cookies.GetCookies(new Uri(InProcessWorker.InternalUrl(app), "/console/"))["monitor-console"]!.Value;
        Assert.That(await ActorAsync(InProcessWorker.InternalUrl(app), "/console/test-actor", cookie), Is.EqualTo("admin"), "the session on its listener");
        Assert.That(await ActorAsync(InProcessWorker.PublicUrl(app), "/p/test-actor", cookie), Is.EqualTo("nobody"));
    }

    private static async Task<string> ActorAsync(Uri listener, string path, string cookie)
    {
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = listener };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", $"monitor-console={cookie}");
        using var response = await http.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<HttpStatusCode> HomeAsync(WebApplication app, string cookie)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = InProcessWorker.InternalUrl(app),
        };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/console/");
        request.Headers.Add("Cookie", $"monitor-console={cookie}");
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
