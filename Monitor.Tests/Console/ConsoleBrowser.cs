using Microsoft.Playwright;

namespace Monitor.Tests.Console;

/// <summary>What the console's browser tests do alike: sign in as the local account and submit a form.</summary>
public static class ConsoleBrowser
{
    /// <summary>Signs in as <c>admin</c> with <paramref name="password"/> on the console at <paramref name="console"/>.</summary>
    public static async Task SignInAsync(IPage page, string console, string password)
    {
        await page.GotoAsync($"{console}/console/sign-in");
        await page.FillAsync("#user", "admin");
        await page.FillAsync("#password", password);
        await SubmitAsync(page, "button[type=submit]");
    }

    /// <summary>Clicks <paramref name="button"/> and waits for the page the form's redirects end on.</summary>
    public static async Task SubmitAsync(IPage page, string button)
    {
        await page.RunAndWaitForResponseAsync(() => page.ClickAsync(button),
            r => r.Request.IsNavigationRequest && r.Status is not (302 or 303),
            new PageRunAndWaitForResponseOptions { Timeout = 30000 });
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
    }
}
