using System.Net;
using Microsoft.Extensions.Logging;

namespace Monitor.Tests.Console;

/// <summary>
/// When an OpenID Connect session ends (sign-out, or a re-check that failed), the provider's refresh token the worker
/// kept is revoked at the real provider (OpenIddict on loopback, RFC 7009) and deleted from the store.
/// </summary>
[NonParallelizable]
public sealed class ConsoleOidcSignOutTests
{
    [Test]
    public async Task After_sign_out_the_provider_refuses_the_refresh_token()
    {
        await using var world = await OidcWorld.StartAsync();
        await world.SignInAsync(OidcProvider.Alice);
        var refreshToken = world.Idp.LastRefreshToken;
        Assert.That(refreshToken, Is.Not.Null, "the provider gave the console a refresh token");
        Assert.That(await world.StoredRefreshTokensAsync(), Is.EqualTo(1));

        using var signedOut = await world.SignOutAsync();

        Assert.That(signedOut.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(signedOut.Headers.Location!.AbsoluteUri, Does.StartWith(world.Idp.Authority + "connect/endsession"),
            "the provider's own session is ended too (RP-initiated logout)");
        Assert.That(world.Idp.Revocations, Is.EqualTo(1));
        Assert.That(await world.Idp.RefreshErrorAsync(refreshToken!), Is.EqualTo("invalid_grant"), "revoked at the provider");
        Assert.That(await world.StoredRefreshTokensAsync(), Is.Zero);
        Assert.That(world.Log.Where(l => l.Level >= LogLevel.Warning), Is.Empty);
    }

    [Test]
    public async Task With_the_provider_down_sign_out_still_completes_and_a_warning_is_logged()
    {
        await using var world = await OidcWorld.StartAsync();
        await world.SignInAsync(OidcProvider.Alice);
        var refreshToken = world.Idp.LastRefreshToken!;
        await world.Idp.DisposeAsync();

        using var signedOut = await world.SignOutAsync();

        await SignedOutDespiteTheProviderAsync(world, signedOut, "(HttpRequestException)");
        Assert.That(signedOut.Headers.GetValues("Set-Cookie"), Has.Some.StartsWith("monitor-console=;"), "the session cookie is removed");
        Assert.That(world.Log.Select(l => l.Message), Has.None.Contains(refreshToken), "no token text in the log");
    }

    [Test]
    public async Task A_provider_that_refuses_the_revocation_does_not_stop_the_sign_out()
    {
        await using var world = await OidcWorld.StartAsync();
        await world.SignInAsync(OidcProvider.Alice);
        world.Idp.RefuseRevocations();

        using var signedOut = await world.SignOutAsync();

        await SignedOutDespiteTheProviderAsync(world, signedOut, "(HTTP 401 'invalid_client')");
    }

    [Test]
    public Task A_provider_that_does_not_answer_holds_sign_out_for_five_seconds_at_most() =>
        WhileRevocationHangsAsync(async (world, arrived) =>
        {
            var signOut = world.SignOutAsync();
            await arrived.WaitAsync(TimeSpan.FromSeconds(30));
            world.Clock.Advance(TimeSpan.FromSeconds(4));
            await Task.Delay(200);
            Assert.That(signOut.IsCompleted, Is.False, "the provider is given its time");
            world.Clock.Advance(TimeSpan.FromSeconds(1));
            // The back channel's own timeout is a minute of real time: only the worker's clock ends this wait.
            using var signedOut = await signOut.WaitAsync(TimeSpan.FromSeconds(30));
            await SignedOutDespiteTheProviderAsync(world, signedOut, "Canceled");
        });

    [Test]
    public Task A_person_who_leaves_while_the_provider_is_asked_has_the_token_deleted_all_the_same() =>
        WhileRevocationHangsAsync(async (world, arrived) =>
        {
            using var leave = new CancellationTokenSource();
            var signOut = world.SignOutAsync(leave.Token);
            await arrived.WaitAsync(TimeSpan.FromSeconds(30));
            await leave.CancelAsync();
            Assert.That(async () => await signOut, Throws.InstanceOf<OperationCanceledException>());
            await Task.Delay(500); // time for the worker to see the connection dropped (its RequestAborted)
            world.Clock.Advance(TimeSpan.FromSeconds(5));
            // The worker goes on after the person left: wait (10 s at most) for it to finish.
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (await world.StoredRefreshTokensAsync() > 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
            Assert.That(await world.StoredRefreshTokensAsync(), Is.Zero);
            Assert.That(world.Log.Select(l => l.Message), Has.One.Contains("could not revoke"));
        });

    [Test]
    public async Task Without_a_revocation_endpoint_the_stored_token_is_deleted_and_that_is_said_once()
    {
        await using var world = await OidcWorld.StartAsync(revocation: false);
        await world.SignInAsync(OidcProvider.Alice);
        Assert.That(await world.StoredRefreshTokensAsync(), Is.EqualTo(1));

        using (var signedOut = await world.SignOutAsync()) Assert.That(signedOut.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(await world.StoredRefreshTokensAsync(), Is.Zero);
        // The provider's session was not ended (the redirect to it not followed): the next sign-in there is silent.
        Assert.That((await world.FollowAsync("/console/")).Html, Does.Contain(OidcWorld.SignedInAs("Alice Example", "staff")));
        Assert.That(await world.StoredRefreshTokensAsync(), Is.EqualTo(1));
        using (var again = await world.SignOutAsync()) Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(await world.StoredRefreshTokensAsync(), Is.Zero);

        var said = world.Log.Where(l => l.Message.Contains("no revocation endpoint")).ToList();
        Assert.That(said, Has.Count.EqualTo(1), "said once, not at every sign-out");
        Assert.That(said[0].Level, Is.EqualTo(LogLevel.Information));
        Assert.That(world.Log.Where(l => l.Level >= LogLevel.Warning), Is.Empty);
    }

    [Test]
    public async Task Without_an_end_session_endpoint_sign_out_ends_only_the_console_session()
    {
        await using var world = await OidcWorld.StartAsync(endSession: false);
        await world.SignInAsync(OidcProvider.Alice);

        using var signedOut = await world.SignOutAsync();

        Assert.That(signedOut.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(signedOut.Headers.Location!.OriginalString, Is.EqualTo("/console/signed-out"));
        Assert.That(world.Idp.Revocations, Is.EqualTo(1));
    }

    [Test]
    public async Task A_session_ended_by_a_re_check_has_its_refresh_token_revoked()
    {
        await using var world = await OidcWorld.StartAsync();
        await world.SignInAsync(OidcProvider.Alice);
        world.Idp.SetRoles(OidcProvider.Alice, "everyone");
        world.Clock.Advance(OidcWorld.RecheckInterval);

        var (status, _) = await world.GetAsync("/console/");

        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized), "the role is gone");
        // The provider still knows the account: without a revocation its last refresh token would go on working there.
        Assert.That(await world.Idp.RefreshErrorAsync(world.Idp.LastRefreshToken!), Is.EqualTo("invalid_grant"));
        Assert.That(await world.StoredRefreshTokensAsync(), Is.Zero);
    }

    [Test]
    public async Task A_refresh_answered_after_a_sign_out_does_not_bring_the_session_or_its_token_back()
    {
        await using var world = await OidcWorld.StartAsync();
        await world.SignInAsync(OidcProvider.Alice);
        var (arrived, release) = world.Idp.HangRefreshes();
        world.Clock.Advance(OidcWorld.RecheckInterval);
        var page = world.GetAsync("/console/"); // its re-check asks the provider, whose answer is held on the way back
        await arrived.WaitAsync(TimeSpan.FromSeconds(30));

        using var signedOut = await world.SignOutAsync(); // another tab, meanwhile
        Assert.That(signedOut.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        release();
        var (status, _) = await page.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(status, Is.Not.EqualTo(HttpStatusCode.OK), "the session stays ended");
        Assert.That(await world.StoredRefreshTokensAsync(), Is.Zero, "the rotated token is not stored for it");
        Assert.That(await world.Idp.RefreshErrorAsync(world.Idp.LastRefreshToken!), Is.EqualTo("invalid_grant"),
            "and is revoked at the provider");
    }

    // The sign-out went through (never a 500), the token is gone from the store, and one warning says why it was not revoked.
    private static async Task SignedOutDespiteTheProviderAsync(OidcWorld world, HttpResponseMessage signedOut, string reason)
    {
        Assert.That(signedOut.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "signed out here all the same");
        Assert.That(await world.StoredRefreshTokensAsync(), Is.Zero, "deleted here even though the provider may still hold it");
        var warnings = world.Log.Where(l => l.Level == LogLevel.Warning).Select(l => l.Message).ToList();
        Assert.That(warnings, Has.Count.EqualTo(1));
        Assert.That(warnings[0], Does.Contain("could not revoke").And.Contain(reason));
    }

    // Alice signed in, then the provider's revocation endpoint takes requests and answers none until the test is over;
    // the test gets a task that completes when the first one is in.
    private static async Task WhileRevocationHangsAsync(Func<OidcWorld, Task, Task> test)
    {
        await using var world = await OidcWorld.StartAsync();
        await world.SignInAsync(OidcProvider.Alice);
        var (arrived, release) = world.Idp.HangRevocations();
        try
        {
            await test(world, arrived);
        }
        finally
        {
            release();
        }
    }
}
