using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Monitor.Tests.Infrastructure;
using Monitor.Worker;
using Monitor.Worker.Endpoints;
using Monitor.Worker.StaffConsole;

namespace Monitor.Tests.Console;

/// <summary>
/// A guard over the endpoints the worker really maps: each one answers on a listener and is protected by the rule of
/// its path. /api/** has the admin key (UseAdminApiKey, by path); /console/** needs the Viewer or Staff policy, and
/// Staff for anything but GET/HEAD; the public listener serves the pulse pages (/p, /u) and /changes only. The few
/// open endpoints are listed below with their reason; a new endpoint that fits no rule fails here until it does.
/// </summary>
public sealed class EndpointAuthorizationGuardTests
{
    // Reviewed open endpoints of the internal listener: "METHODS pattern" -> why no session or key is needed.
    private static readonly Dictionary<string, string> Open = new(StringComparer.Ordinal)
    {
        ["GET /console/sign-in"] = "the sign-in form (or the redirect to the provider)",
        ["POST /console/sign-in"] = "checks the password itself, rate-limited",
        ["GET /console/setup"] = "checks the one-time link itself",
        ["POST /console/setup"] = "checks the one-time link itself",
        ["POST /console/sign-out"] = "ends whatever session the cookie names; anti-forgery token required",
        ["GET /console/signed-out"] = "a static page",
        ["GET /console/denied"] = "a static page",
        ["POST /webhooks/tickets/{system}"] = "authenticated by the payload's HMAC signature or the webhook token",
        ["* /metrics"] = "Prometheus scrapes without credentials on the internal listener",
        ["* /healthz"] = "liveness for the orchestrator",
        ["* /readyz"] = "readiness for the orchestrator",
    };

    // The public listener's pages: anonymous by design, and nothing else answers there.
    private static readonly string[] PublicPrefixes = ["/p/", "/u/"];
    private static readonly string[] PublicPages = ["/changes"];

    private static readonly string[] ReadOnly = ["GET", "HEAD"];

    [Test]
    public async Task Every_endpoint_is_on_a_listener_and_protected_by_the_rule_of_its_path()
    {
        var endpoints = await EndpointsAsync();
        Assert.That(endpoints, Has.Count.GreaterThan(50), "the worker's endpoints were listed");
        var broken = endpoints.Select(Violation).Where(v => v is not null).ToList();
        Assert.That(broken, Is.Empty, "endpoints that break the authorisation rule:\n" + string.Join("\n", broken));
    }

    [Test]
    public void The_guard_refuses_an_unprotected_console_action_a_viewer_action_and_a_stray_public_path()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Violation(new Row("/console/things", ["POST"], Listener.Internal, [], false)), Is.Not.Null);
            Assert.That(Violation(new Row("/console/things", ["POST"], Listener.Internal, [ConsoleRoles.ViewerPolicy], false)),
                Is.Not.Null);
            Assert.That(Violation(new Row("/console/things", ["GET"], Listener.Internal, [ConsoleRoles.ViewerPolicy], true)),
                Is.Not.Null, "AllowAnonymous beats the policy");
            Assert.That(Violation(new Row("/console/things", ["GET"], Listener.Internal, [ConsoleRoles.ViewerPolicy], false)), Is.Null);
            Assert.That(Violation(new Row("/console/things", ["POST"], Listener.Internal, [ConsoleRoles.StaffPolicy], false)), Is.Null);
            Assert.That(Violation(new Row("/api/x", ["GET"], Listener.Public, [], false)), Is.Not.Null);
            Assert.That(Violation(new Row("/status", ["GET"], Listener.Internal, [], false)), Is.Not.Null);
            Assert.That(Violation(new Row("/status", ["GET"], null, [], false)), Is.Not.Null);
        });
    }

    [Test]
    public async Task A_viewer_reads_the_group_pages_but_is_refused_a_person_and_the_staff_actions()
    {
        await using var app = await InProcessWorker.StartAsync(TestPaths.NewTempDir("sm-viewer"), "--Console:LocalAccount:Password=guard-password-1");
        var console = new Uri(InProcessWorker.InternalUrl(app), "/console/");
        foreach (var (role, refused) in new[] { (ConsoleRoles.Viewer, true), (ConsoleRoles.Staff, false) })
        {
            using var person = new ConsoleClient(console);
            person.Cookies.Add(console, new System.Net.Cookie("monitor-console", InProcessWorker.SessionCookie(app, "Bob", role)));
            Assert.That((await person.GetAsync("/console/")).Status, Is.EqualTo(HttpStatusCode.OK), $"{role}: home");
            Assert.That((await person.GetAsync("/console/people")).Status, Is.EqualTo(HttpStatusCode.OK), $"{role}: people");
            // A form post with a valid anti-forgery token (from the home page) and no expiry: staff reach the handler (400).
            var posts = new[] { "/console/users/u001/acknowledgement", "/console/users/u001/acknowledgement/remove",
                "/console/downtimes", "/console/incidents", "/console/actions", "/console/lunch" };
            foreach (var post in posts)
            {
                var (status, _, response) = await person.PostAsync(post, new Dictionary<string, string>());
                var location = response.Headers.Location;
                var denied = location is not null && new Uri(console, location).AbsolutePath == "/console/denied";
                Assert.That(denied, Is.EqualTo(refused), $"{role}: POST {post} answered {status} {response.Headers.Location}");
            }
            var (page, _, _) = await person.GetAsync("/console/users/u001");
            Assert.That(page, refused ? Is.EqualTo(HttpStatusCode.Redirect) : Is.EqualTo(HttpStatusCode.OK), $"{role}: a person's page");
        }
        using var viewer = new ConsoleClient(console);
        Assert.That((await viewer.GetAsync("/console/denied")).Status, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    private sealed record Row(string Pattern, IReadOnlyList<string> Methods, Listener? Listener, IReadOnlyList<string?> Policies,
        bool Anonymous)
    {
        public override string ToString() =>
            $"{string.Join(',', Methods)} {Pattern} on {Listener?.ToString() ?? "no listener"}, policies [{string.Join(',', Policies)}]" +
            (Anonymous ? ", AllowAnonymous" : "");
    }

    private static string? Violation(Row e)
    {
        var methods = e.Methods.Count == 0 ? ["*"] : e.Methods;
        var key = $"{string.Join(',', methods)} {e.Pattern}";
        var open = Open.ContainsKey(key) || Open.ContainsKey("* " + e.Pattern);
        var isApi = e.Pattern.StartsWith("/api/", StringComparison.Ordinal);
        var isConsole = e.Pattern == "/console/" || e.Pattern.StartsWith("/console/", StringComparison.Ordinal);
        switch (e.Listener)
        {
            case null:
                return $"{e}: no listener (OnListener)";
            case Listener.Public:
                var page = PublicPages.Contains(e.Pattern) || PublicPrefixes.Any(p => e.Pattern.StartsWith(p, StringComparison.Ordinal));
                return page && e.Policies.Count == 0 ? null : $"{e}: not a pulse page, yet on the public listener";
        }
        if (e.Anonymous) return $"{e}: AllowAnonymous on the internal listener";
        if (isApi) return e.Policies.Count == 0 ? null : $"{e}: the admin API is the key's, not a console policy's";
        if (isConsole)
        {
            if (e.Policies.Count == 0) return open ? null : $"{e}: a console endpoint without a policy";
            if (e.Policies.Contains(ConsoleRoles.StaffPolicy)) return null;
            if (e.Policies.All(p => p == ConsoleRoles.ViewerPolicy) && e.Methods.Count > 0 && e.Methods.All(ReadOnly.Contains))
                return null;
            return $"{e}: an action that changes something needs the Staff policy";
        }
        return open ? null : $"{e}: neither /api, /console nor a reviewed open endpoint";
    }

    private static async Task<List<Row>> EndpointsAsync()
    {
        return (await InProcessWorker.EndpointsAsync("--Console:LocalAccount:Password=guard-password-1"))
            .Select(e => new Row(
                "/" + (e.RoutePattern.RawText ?? "").TrimStart('/'),
                e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.ToList() ?? [],
                e.Metadata.GetMetadata<ListenerMetadata>()?.Listener,
                e.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).ToList(),
                e.Metadata.GetMetadata<IAllowAnonymous>() is not null))
            .ToList();
    }
}
