using System.Net;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Console;

/// <summary>
/// Two workers on one PostgreSQL, each with its own home folder (no shared key files): a session opened on one
/// works on the other, a form rendered by one posts to the other, and a sign-out on one ends it on both.
/// </summary>
[NonParallelizable]
public sealed class ConsoleReplicaTests
{
    [Test]
    public async Task A_console_session_holds_across_replicas_and_ends_on_all_of_them()
    {
        var connection = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        Dictionary<string, string> Settings() => new()
        {
            ["Storage:Provider"] = "postgres",
            ["Storage:ConnectionString"] = connection,
            ["Console:LocalAccount:Password"] = "replica-password-1",
            ["HOME"] = TestPaths.NewTempDir("sm-home"),
        };
        await using var first = await WorkerProcess.StartAsync(Settings());
        await using var second = await WorkerProcess.StartAsync(Settings());

        using var onFirst = new ConsoleClient(first.InternalUrl);
        Assert.That(await onFirst.SignInAsync("admin", "replica-password-1"), Is.True);
        var session = onFirst.Cookies.GetCookies(new Uri(first.InternalUrl, "/console/"))["monitor-console"]!;
        var antiforgery = onFirst.Cookies.GetCookies(new Uri(first.InternalUrl, "/console/"))["monitor-console-af"]!;
        Assert.That((await onFirst.GetAsync("/console/")).Status, Is.EqualTo(HttpStatusCode.OK));

        // The same browser reaching the other replica (a load balancer in front of both).
        using var onSecond = new ConsoleClient(second.InternalUrl);
        onSecond.Cookies.Add(new Uri(second.InternalUrl, "/console/"), new Cookie(session.Name, session.Value, "/console"));
        onSecond.Cookies.Add(new Uri(second.InternalUrl, "/console/"), new Cookie(antiforgery.Name, antiforgery.Value, "/console"));
        var (status, html, _) = await onSecond.GetAsync("/console/");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), second.Log);
        Assert.That(ConsoleClient.Text(html), Does.Contain("Signed in as admin (staff)"));

        // The anti-forgery cookie was set by the first replica; the second reads it and ends the session for both.
        var (signedOut, _, _) = await onSecond.PostAsync("/console/sign-out", new Dictionary<string, string>());
        Assert.That(signedOut, Is.EqualTo(HttpStatusCode.Redirect));
        var (afterOnFirst, _, _) = await onFirst.GetAsync("/console/");
        Assert.That(afterOnFirst, Is.EqualTo(HttpStatusCode.Redirect), "signed out on the other replica");
    }
}
