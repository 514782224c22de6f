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
    private static readonly TimeSpan Interval = OidcWorld.RecheckInterval;

    [Test]
    public async Task An_unchanged_role_is_confirmed_unseen_and_the_session_goes_on()
    {
        await using var world = await OidcWorld.StartAsync();
        await world.SignInAsync(OidcProvider.Alice);
        world.Clock.Advance(Interval - TimeSpan.FromMinutes(1));
        Assert.That((await world.GetAsync("/console/")).Status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(world.Idp.Refreshes, Is.Zero, "not asked before the interval");
        world.Clock.Advance(TimeSpan.FromMinutes(2));
        var (status, html) = await world.GetAsync("/console/");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), "no redirect: the person sees no sign-in page");
        Assert.That(html, Does.Contain(OidcWorld.SignedInAs("Alice Example", "staff")));
        Assert.That(world.Idp.Refreshes, Is.EqualTo(1), "confirmed at the provider with the refresh token");
        Assert.That((await world.GetAsync("/console/")).Status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(world.Idp.Refreshes, Is.EqualTo(1), "once per interval, not per request");
    }

    [Test]
    public async Task A_role_removed_at_the_provider_ends_the_session_within_the_interval()
    {
        await using var world = await OidcWorld.StartAsync();
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
        await using var world = await OidcWorld.StartAsync();
        await world.SignInAsync(OidcProvider.Alice);
        world.Idp.SetRoles(OidcProvider.Alice, OidcProvider.ViewerValue);
        world.Clock.Advance(Interval);
        var (status, html) = await world.GetAsync("/console/");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(html, Does.Contain(OidcWorld.SignedInAs("Alice Example", "viewer")));
    }

    [Test]
    public async Task A_refused_refresh_signs_the_person_out_with_a_message()
    {
        await using var world = await OidcWorld.StartAsync();
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
        await using var world = await OidcWorld.StartAsync();
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
        await using var world = await OidcWorld.StartAsync(refreshTokens: false);
        await world.SignInAsync(OidcProvider.Alice);
        world.Clock.Advance(Interval);
        Assert.That((await world.PostAsync("/console/test-note")).Status, Is.EqualTo(HttpStatusCode.OK),
            "a form sent when the check is due is saved");
        Assert.That(world.Notes, Is.EqualTo(1));
        var (status, _) = await world.GetAsync("/console/");
        Assert.That(status, Is.EqualTo(HttpStatusCode.Redirect), "the next page goes to the provider");
        var (followed, html) = await world.FollowAsync("/console/");
        Assert.That(followed, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(html, Does.Contain(OidcWorld.SignedInAs("Alice Example", "staff")), "the provider's session signed the person in again, no form shown");

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
        await using var world = await OidcWorld.StartAsync(refreshTokens: false);
        await world.SignInAsync(OidcProvider.Alice);
        world.Idp.SetRoles(OidcProvider.Alice, "everyone");
        world.Clock.Advance(Interval);
        var (status, html) = await world.FollowAsync("/console/");
        Assert.That(status, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(html, Does.Contain("Sign-in refused"));
    }
}
