using Microsoft.Playwright;
using Monitor.Tests.Infrastructure;
using Monitor.Tests.Pulse;

namespace Monitor.Tests.Console;

/// <summary>
/// A person in Chromium signs in to the console of the real worker process through a real OpenID Connect
/// provider (OpenIddict on loopback): code flow with PKCE, the provider's role values mapped to ours.
/// </summary>
[NonParallelizable]
public sealed class ConsoleOidcTests
{
    [Test]
    public async Task Staff_and_viewers_sign_in_through_the_provider_and_sign_out_ends_the_session()
    {
        var internalPort = TestPaths.FreePort();
        await using var idp = await OidcProvider.StartAsync(new Uri($"http://127.0.0.1:{internalPort}"));
        await using var worker = await WorkerProcess.StartAsync(idp.WorkerSettings(), internalPort: internalPort);
        Assert.That(worker.Log, Does.Not.Contain("/console/setup?token="), "with a provider there is no local account link");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright, likeAPerson: true);
        var page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();
        await page.SetViewportSizeAsync(412, 760); // a phone
        var console = new Uri(worker.InternalUrl, "/console/").AbsoluteUri;

        await SignInAsync(page, idp, console, OidcProvider.Alice);
        Assert.That(await page.InnerTextAsync("#signed-in"), Is.EqualTo("Signed in as Alice Example (staff)"));
        Directory.CreateDirectory(Path.Combine(TestPaths.RepoRoot, "docs", "images"));
        var screenshot = Path.Combine(TestPaths.RepoRoot, "docs", "images", "console-signed-in.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot });
        var session = (await browser.CookiesAsync()).Single(c => c.Name == "monitor-console");
        Assert.Multiple(() =>
        {
            Assert.That(session.HttpOnly, Is.True);
            Assert.That(session.SameSite, Is.EqualTo(SameSiteAttribute.Lax));
            Assert.That(session.Path, Is.EqualTo("/console"));
        });

        await SignOutAsync(page, browser, console);
        // The provider's session ended too: the console sends the person to the provider's login form again.
        await page.GotoAsync(console);
        Assert.That(page.Url, Does.StartWith(idp.Authority + "login"), "after sign-out nobody is signed in");

        await SignInAsync(page, idp, console, OidcProvider.Bob, alreadyAtLogin: true);
        Assert.That(await page.InnerTextAsync("#signed-in"), Is.EqualTo("Signed in as Bob <Viewer> (viewer)"),
            "names are encoded, not markup");
        await SignOutAsync(page, browser, console);

        // A person the provider knows but with none of the mapped roles does not get in.
        await SignInAsync(page, idp, console, OidcProvider.Carol, expectConsole: false);
        Assert.That(await page.InnerTextAsync("h1"), Is.EqualTo("Sign-in refused"));
        Assert.That((await browser.CookiesAsync()).Any(c => c.Name == "monitor-console"), Is.False);
        // Still signed in at the provider, the person is sent round again and refused again: the console stays closed.
        var again = await page.GotoAsync(console);
        Assert.That(again!.Status, Is.EqualTo(403));
        Assert.That(await page.InnerTextAsync("h1"), Is.EqualTo("Sign-in refused"));
        Assert.That((await browser.CookiesAsync()).Any(c => c.Name == "monitor-console"), Is.False);
    }

    private static async Task SignInAsync(IPage page, OidcProvider idp, string console, IdpUser user, bool expectConsole = true,
        bool alreadyAtLogin = false)
    {
        if (!alreadyAtLogin) await page.GotoAsync(console);
        Assert.That(page.Url, Does.StartWith(idp.Authority + "login"), "the console sends the person to the provider");
        await page.FillAsync("#login", user.Login);
        await page.FillAsync("#password", user.Password);
        await page.ClickAsync("#submit");
        if (expectConsole) await page.WaitForURLAsync(console);
        else await page.WaitForURLAsync(u => u.StartsWith(console), new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
    }

    private static async Task SignOutAsync(IPage page, IBrowserContext browser, string console)
    {
        await page.ClickAsync("button:text('Sign out')");
        await page.WaitForURLAsync(console + "signed-out");
        Assert.That(await page.InnerTextAsync("h1"), Is.EqualTo("Signed out"));
        Assert.That((await browser.CookiesAsync()).Any(c => c.Name == "monitor-console"), Is.False, "the session cookie is gone");
    }
}
