using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Data.Sqlite;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.StaffConsole;

namespace Monitor.Tests.Console;

/// <summary>
/// The first run without an identity provider, on the real worker process: no default password, one logged
/// one-time link that sets the local password once, then sign-in with it; anti-forgery on every form.
/// </summary>
public sealed partial class ConsoleLocalAccountTests
{
    private const string Password = "correct horse battery";

    [Test]
    public async Task The_one_time_link_sets_the_password_once_and_then_sign_in_works()
    {
        var dir = TestPaths.NewTempDir("sm-console");
        await using (var worker = await WorkerProcess.StartAsync(workDir: dir))
        {
            var link = await SetupLinkAsync(worker);
            Assert.That(Regex.Count(worker.Log, "has no password"), Is.EqualTo(1), "one link, logged once");
            using var person = new ConsoleClient(worker.InternalUrl);

            // Nothing signs in before the link is used: there is no default password.
            foreach (var guess in new[] { "", "admin", "password", "changeme", "admin123456789", Password })
                Assert.That(await person.SignInAsync("admin", guess), Is.False, $"'{guess}' must not sign in");

            var (status, html, _) = await person.GetAsync(link.PathAndQuery);
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK), html);
            var token = Query(link, "token");
            var fields = new Dictionary<string, string> { ["token"] = token, ["password"] = Password, ["confirmation"] = Password };

            // A form post without the anti-forgery token is refused and changes nothing.
            var (forged, _, _) = await person.PostAsync("/console/setup", fields, withToken: false);
            Assert.That(forged, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await person.SignInAsync("admin", Password), Is.False, "the refused post set no password");
            Assert.That((await person.GetAsync(link.PathAndQuery)).Status, Is.EqualTo(HttpStatusCode.OK), "the link still works");

            var (tooShort, shortHtml, _) = await person.PostAsync("/console/setup",
                new Dictionary<string, string> { ["token"] = token, ["password"] = "short", ["confirmation"] = "short" });
            Assert.That(tooShort, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(shortHtml, Does.Contain("at least 12 characters"));

            var (set, setHtml, _) = await person.PostAsync("/console/setup", fields);
            Assert.That(set, Is.EqualTo(HttpStatusCode.OK), setHtml);
            Assert.That(ConsoleClient.Text(setHtml), Does.Contain("Password set"));

            // Single use: neither the page nor a second post works again, and the password stays.
            Assert.That((await person.GetAsync(link.PathAndQuery)).Status, Is.EqualTo(HttpStatusCode.Gone));
            await person.GetAsync("/console/sign-in");
            var (again, _, _) = await person.PostAsync("/console/setup",
                new Dictionary<string, string>
                {
                    ["token"] = token, ["password"] = "another password!", ["confirmation"] = "another password!",
                });
            Assert.That(again, Is.EqualTo(HttpStatusCode.Gone));
            Assert.That(await person.SignInAsync("admin", "another password!"), Is.False);

            Assert.That(await person.SignInAsync("admin", "wrong password 123"), Is.False, "a wrong password is refused");
            Assert.That(await person.SignInAsync("root", Password), Is.False, "another user name is refused");
            Assert.That(await person.SignInAsync("admin", Password), Is.True);
            var (home, homeHtml, _) = await person.GetAsync("/console/");
            Assert.That(home, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(ConsoleClient.Text(homeHtml), Does.Contain("Signed in as admin (staff)"));

            // Signing out is a form post with its token: without it nothing happens; with it the session ends.
            var (noToken, _, _) = await person.PostAsync("/console/sign-out", new Dictionary<string, string>(), withToken: false);
            Assert.That(noToken, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That((await person.GetAsync("/console/")).Status, Is.EqualTo(HttpStatusCode.OK), "still signed in");
            var copy = person.Cookies.GetCookies(new Uri(worker.InternalUrl, "/console/"))["monitor-console"]!.Value;
            var (signedOut, _, outResponse) = await person.PostAsync("/console/sign-out", new Dictionary<string, string>());
            Assert.That(signedOut, Is.EqualTo(HttpStatusCode.Redirect));
            Assert.That(outResponse.Headers.Location?.OriginalString, Is.EqualTo("/console/signed-out"));
            var (after, _, afterResponse) = await person.GetAsync("/console/");
            Assert.That(after, Is.EqualTo(HttpStatusCode.Redirect));
            Assert.That(afterResponse.Headers.Location?.OriginalString, Does.Contain("/console/sign-in"));

            // A copy of the session cookie kept from before the sign-out opens nothing either.
            using var replay = new ConsoleClient(worker.InternalUrl);
            replay.Cookies.Add(new Uri(worker.InternalUrl, "/console/"), new Cookie("monitor-console", copy, "/console"));
            var (replayed, _, _) = await replay.GetAsync("/console/");
            Assert.That(replayed, Is.EqualTo(HttpStatusCode.Redirect), "the ended session stays ended");
        }

        // Only a PBKDF2 hash is stored, and it outlives a restart: no new link, the password still signs in.
        await using (var db = new SqliteConnection($"Data Source={Path.Combine(dir, "monitor.db")}"))
        {
            var hash = await db.QuerySingleAsync<string>("SELECT password_hash FROM console_accounts WHERE user_name = 'admin'");
            Assert.That(hash, Does.Not.Contain(Password));
            Assert.That(Convert.FromBase64String(hash)[0], Is.EqualTo(0x01), "PasswordHasher's PBKDF2 format (v3)");
        }
        SqliteConnection.ClearAllPools();
        await using var restarted = await WorkerProcess.StartAsync(workDir: dir);
        using var client = new ConsoleClient(restarted.InternalUrl);
        Assert.That(await client.SignInAsync("admin", Password), Is.True);
        Assert.That(restarted.Log, Does.Not.Contain("/console/setup?token="));
    }

    [Test]
    public async Task A_refused_sign_in_logs_the_typed_name_escaped_on_one_line()
    {
        await using var worker = await WorkerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Console:LocalAccount:Password"] = "configured-password-1",
        });
        using var person = new ConsoleClient(worker.InternalUrl);
        // No sign-in needed to type this: the name went raw into the log and forged a line of its own.
        Assert.That(await person.SignInAsync("x\nwarn: Forged[0] \u202Eforged", "wrong"), Is.False);

        Assert.That(() => worker.Log, Does.Contain(@"Console sign-in refused for 'x\nwarn: Forged[0] \u202Eforged'").After(10_000, 50));
        Assert.That(worker.Log.Contains('\u202E', StringComparison.Ordinal), Is.False, "a raw bidi override in the log");
    }

    // Unlimited, one address tried ~400 passwords a second (300 wrong ones in 0.78 s against a configured password).
    [Test]
    public async Task Sign_in_attempts_are_limited_per_client_address()
    {
        await using var worker = await WorkerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Console:LocalAccount:Password"] = "configured-password-1",
        });
        using var person = new ConsoleClient(worker.InternalUrl);
        await person.GetAsync("/console/sign-in");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < SignInLimit.Permits; i++)
            statuses.Add((await person.PostAsync("/console/sign-in", new Dictionary<string, string> { ["user"] = "admin", ["password"] = $"guess-{i}" })).Status);
        Assert.That(statuses, Has.All.EqualTo(HttpStatusCode.Unauthorized), "within the limit: wrong password");

        var (status, html, response) = await person.PostAsync("/console/sign-in",
            new Dictionary<string, string> { ["user"] = "admin", ["password"] = "configured-password-1" });
        Assert.That(status, Is.EqualTo(HttpStatusCode.TooManyRequests), "over the limit, even the right password waits");
        Assert.That(response.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero).And.AtMost(SignInLimit.Window));
        Assert.That(ConsoleClient.Text(html), Does.Contain("Too many sign-in attempts"));
        Assert.That(response.Headers.Contains("Set-Cookie") && response.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("monitor-console=", StringComparison.Ordinal)),
            Is.False, "no session");
        Assert.That((await worker.Http.GetAsync("/healthz")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the rest of the listener is not limited");
    }

    [Test]
    public async Task A_configured_password_signs_in_sessions_expire_and_the_cookie_is_locked_down()
    {
        await using var worker = await WorkerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Console:LocalAccount:User"] = "it-lead",
            ["Console:LocalAccount:Password"] = "configured-password-1",
            ["Console:SessionLifetime"] = "00:00:05",
        });
        Assert.That(worker.Log, Does.Not.Contain("/console/setup?token="), "a configured password needs no link");
        using var person = new ConsoleClient(worker.InternalUrl);
        Assert.That((await person.GetAsync("/console/setup?token=anything")).Status, Is.EqualTo(HttpStatusCode.Gone));
        Assert.That(await person.SignInAsync("it-lead", "configured-password-2"), Is.False);

        await person.GetAsync("/console/sign-in");
        var (_, _, response) = await person.PostAsync("/console/sign-in", new Dictionary<string, string>
        {
            ["user"] = "it-lead", ["password"] = "configured-password-1", ["returnUrl"] = "https://elsewhere.example/",
        });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(response.Headers.Location?.OriginalString, Is.EqualTo("/console/"), "never a redirect off the console");
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("monitor-console=", StringComparison.Ordinal));
        Assert.That(cookie, Does.Contain("path=/console").And.Contain("samesite=lax").And.Contain("httponly"));
        Assert.That(cookie, Does.Not.Contain("expires="), "a session cookie: closing the browser ends it too");
        var signedIn = await person.GetAsync("/console/");
        Assert.That(ConsoleClient.Text(signedIn.Html), Does.Contain("Signed in as it-lead (staff)"));

        await Task.Delay(TimeSpan.FromSeconds(6));
        var (expired, _, expiredResponse) = await person.GetAsync("/console/");
        Assert.That(expired, Is.EqualTo(HttpStatusCode.Redirect), "the session has expired");
        Assert.That(expiredResponse.Headers.Location?.OriginalString, Does.Contain("/console/sign-in"));
    }

    private static async Task<Uri> SetupLinkAsync(WorkerProcess worker)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < until)
        {
            if (SetupLink().Match(worker.Log) is { Success: true } m) return new Uri(m.Value);
            await Task.Delay(100);
        }
        Assert.Fail($"No one-time link in the log:\n{worker.Log}");
        return null!;
    }

    private static string Query(Uri uri, string key) =>
        uri.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).Single(p => p[0] == key)[1];

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/console/setup\?token=[A-Za-z0-9_-]{43}")]
    private static partial Regex SetupLink();
}
