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

    /// <summary>Clicks <paramref name="button"/> and waits until the page the form's redirects end on has been parsed.</summary>
    /// <remarks>
    /// Waiting for Playwright's DOMContentLoaded state after the response raced in CI: the new document's event was
    /// cleared by the navigation's commit and the wait ran out with "load" and "networkidle" seen. Instead the page the
    /// form was on is marked, and the wait is for a document without the mark whose parsing is done.
    /// </remarks>
    public static async Task SubmitAsync(IPage page, string button)
    {
        await page.EvaluateAsync("() => { window.__formLeft = true; }");
        await page.RunAndWaitForResponseAsync(() => page.ClickAsync(button),
            r => r.Request.IsNavigationRequest && r.Status is not (302 or 303),
            new PageRunAndWaitForResponseOptions { Timeout = 30000 });
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                if (await page.EvaluateAsync<bool>("() => !window.__formLeft && document.readyState !== 'loading'")) return;
            }
            catch (PlaywrightException) when (DateTime.UtcNow < deadline)
            {
                // The old document's context was destroyed mid-evaluation: ask the new one.
            }
            if (DateTime.UtcNow >= deadline) throw new TimeoutException($"No new page after clicking {button}: still on {page.Url}");
            await Task.Delay(25);
        }
    }
}
