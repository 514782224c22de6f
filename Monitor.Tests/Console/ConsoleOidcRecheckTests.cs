using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Monitor.Tests.Infrastructure;
using Monitor.Worker;
using Monitor.Worker.Endpoints;
using Monitor.Worker.StaffConsole;

namespace Monitor.Tests.Console;

/// <summary>
/// The role of an OpenID Connect session is confirmed again at the real provider (OpenIddict on loopback) every
/// Console:Oidc:RecheckInterval, on the worker's clock (a fake one the test moves): with the refresh token when the provider
/// grants one, else by a fresh sign-in there.
/// </summary>
[NonParallelizable]
public sealed class ConsoleOidcRecheckTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(15);

    [Test]
    public async Task An_unchanged_role_is_confirmed_unseen_and_the_session_goes_on()
    {
        await using var world = await World.StartAsync();
        await world.SignInAsync(OidcProvider.Alice);
        world.Clock.Advance(Interval - TimeSpan.FromMinutes(1));
        Assert.That((await world.GetAsync("/console/")).Status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(world.Idp.Refreshes, Is.Zero, "not asked before the interval");
        world.Clock.Advance(TimeSpan.FromMinutes(2));
        var (status, html) = await world.GetAsync("/console/");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), "no redirect: the person sees no sign-in page");
        Assert.That(html, Does.Contain(SignedInAs("Alice Example", "staff")));
        Assert.That(world.Idp.Refreshes, Is.EqualTo(1), "confirmed at the provider with the refresh token");
        Assert.That((await world.GetAsync("/console/")).Status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(world.Idp.Refreshes, Is.EqualTo(1), "once per interval, not per request");
    }

    [Test]
    public async Task A_role_removed_at_the_provider_ends_the_session_within_the_interval()
    {
        await using var world = await World.StartAsync();
        await world.SignInAsync(OidcProvider.Alice);
        world.Idp.SetRoles(OidcProvider.Alice, "everyone");
        world.Clock.Advance(Interval + TimeSpan.FromSeconds(1));
        var (status, html) = await world.GetAsync("/console/");
        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(html, Does.Contain("Your console role was removed at the identity provider"));
        Assert.That((await world.GetAsync("/console/")).Status, Is.EqualTo(HttpStatusCode.Redirect), "the session is gone");
    }

    [Test]
    public async Task A_staff_member_made_viewer_at_the_provider_goes_on_as_viewer()
    {
        await using var world = await World.StartAsync();
        await world.SignInAsync(OidcProvider.Alice);
        world.Idp.SetRoles(OidcProvider.Alice, OidcProvider.ViewerValue);
        world.Clock.Advance(Interval);
        var (status, html) = await world.GetAsync("/console/");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(html, Does.Contain(SignedInAs("Alice Example", "viewer")));
    }

    [Test]
    public async Task A_refused_refresh_signs_the_person_out_with_a_message()
    {
        await using var world = await World.StartAsync();
        await world.SignInAsync(OidcProvider.Alice);
        world.Idp.Disable(OidcProvider.Alice);
        world.Clock.Advance(Interval);
        var (status, html) = await world.PostAsync("/console/test-note");
        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized), "a disabled account saves nothing more");
        Assert.That(html, Does.Contain("no longer renews your sign-in").And.Contain("was not saved"));
        Assert.That(world.Notes, Is.Zero);
        Assert.That((await world.GetAsync("/console/")).Status, Is.EqualTo(HttpStatusCode.Redirect));
    }

    [Test]
    public async Task With_the_provider_down_the_session_holds_one_more_interval_then_ends()
    {
        await using var world = await World.StartAsync();
        await world.SignInAsync(OidcProvider.Alice);
        await world.Idp.DisposeAsync();
        world.Clock.Advance(Interval);
        Assert.That((await world.GetAsync("/console/")).Status, Is.EqualTo(HttpStatusCode.OK), "within the grace");
        world.Clock.Advance(Interval - TimeSpan.FromSeconds(1));
        Assert.That((await world.GetAsync("/console/")).Status, Is.EqualTo(HttpStatusCode.OK), "still within the grace");
        world.Clock.Advance(TimeSpan.FromSeconds(1));
        var (status, html) = await world.GetAsync("/console/");
        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized), "fails closed after two intervals without a confirmation");
        Assert.That(html, Does.Contain("could not be reached"));
    }

    [Test]
    public async Task Without_refresh_tokens_a_page_signs_in_again_silently_and_a_form_is_kept()
    {
        await using var world = await World.StartAsync(refreshTokens: false);
        await world.SignInAsync(OidcProvider.Alice);
        world.Clock.Advance(Interval);
        Assert.That((await world.PostAsync("/console/test-note")).Status, Is.EqualTo(HttpStatusCode.OK),
            "a form sent when the check is due is saved");
        Assert.That(world.Notes, Is.EqualTo(1));
        var (status, _) = await world.GetAsync("/console/");
        Assert.That(status, Is.EqualTo(HttpStatusCode.Redirect), "the next page goes to the provider");
        var (followed, html) = await world.FollowAsync("/console/");
        Assert.That(followed, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(html, Does.Contain(SignedInAs("Alice Example", "staff")), "the provider's session signed the person in again, no form shown");

        // A form sent after one more interval without any page in between is refused with a message, not lost silently.
        world.Clock.Advance(2 * Interval);
        var (late, lateHtml) = await world.PostAsync("/console/test-note");
        Assert.That(late, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(lateHtml, Does.Contain("was not saved"));
        Assert.That(world.Notes, Is.EqualTo(1));
    }

    [Test]
    public async Task Without_refresh_tokens_a_role_removed_at_the_provider_closes_the_console()
    {
        await using var world = await World.StartAsync(refreshTokens: false);
        await world.SignInAsync(OidcProvider.Alice);
        world.Idp.SetRoles(OidcProvider.Alice, "everyone");
        world.Clock.Advance(Interval);
        var (status, html) = await world.FollowAsync("/console/");
        Assert.That(status, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(html, Does.Contain("Sign-in refused"));
    }

    private static string SignedInAs(string name, string role) => $"<strong>{name}</strong> (<span id=\"role\">{role}</span>)";

    /// <summary>The worker in-process on a fake clock, the provider, and a person's cookies.</summary>
    private sealed class World : IAsyncDisposable
    {
        private readonly HttpClient _noRedirects;
        private readonly HttpClient _follows;
        private int _notes;

        private World(OidcProvider idp, WebApplication worker, FakeTimeProvider clock)
        {
            Idp = idp;
            Worker = worker;
            Clock = clock;
            var cookies = new CookieContainer();
            var baseAddress = InProcessWorker.InternalUrl(worker);
            _noRedirects = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = baseAddress };
            _follows = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = baseAddress };
        }

        public OidcProvider Idp { get; }

        public WebApplication Worker { get; }

        public FakeTimeProvider Clock { get; }

        public int Notes => _notes;

        public static async Task<World> StartAsync(bool refreshTokens = true)
        {
            var port = TestPaths.FreePort();
            var idp = await OidcProvider.StartAsync(new Uri($"http://127.0.0.1:{port}"), refreshTokens);
            var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
            World? world = null;
            var settings = idp.WorkerSettings().Select(s => $"--{s.Key}={s.Value}").Append($"--Endpoints:Internal=http://127.0.0.1:{port}");
            var worker = await InProcessWorker.StartAsync(TestPaths.NewTempDir("sm-oidc-recheck"), [.. settings],
                a => a.MapPost("/console/test-note", () =>
                {
                    Interlocked.Increment(ref world!._notes);
                    return "saved";
                }).RequireAuthorization(ConsoleRoles.StaffPolicy).OnListener(Listener.Internal),
                b => b.Services.AddSingleton<TimeProvider>(clock));
            world = new World(idp, worker, clock);
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

        public Task<(HttpStatusCode Status, string Html)> GetAsync(string path) => SendAsync(_noRedirects, HttpMethod.Get, path);

        public Task<(HttpStatusCode Status, string Html)> FollowAsync(string path) => SendAsync(_follows, HttpMethod.Get, path);

        public Task<(HttpStatusCode Status, string Html)> PostAsync(string path) => SendAsync(_noRedirects, HttpMethod.Post, path);

        private static async Task<(HttpStatusCode, string)> SendAsync(HttpClient http, HttpMethod method, string path)
        {
            using var response = await http.SendAsync(new HttpRequestMessage(method, path));
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        public async ValueTask DisposeAsync()
        {
            _noRedirects.Dispose();
            _follows.Dispose();
            await Worker.DisposeAsync();
            await Idp.DisposeAsync();
        }
    }
}
