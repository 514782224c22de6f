using Microsoft.Playwright;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Pulse;

/// <summary>Debian's Chromium driven by Playwright (no browser download), with a fresh profile each time.</summary>
public static class Browsers
{
    private static readonly string[] BaseArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    /// <summary>What a person's desktop Chrome reports.</summary>
    public const string DesktopAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

    /// <summary>
    /// <paramref name="likeAPerson"/>: without the automation markers (navigator.webdriver, "HeadlessChrome"),
    /// as a person's browser looks — and as a scanner that hides itself looks.
    /// </summary>
    public static Task<IBrowserContext> LaunchAsync(IPlaywright playwright, bool likeAPerson) =>
        playwright.Chromium.LaunchPersistentContextAsync(TestPaths.NewTempDir("sm-chromium"), new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = likeAPerson ? [.. BaseArgs, "--disable-blink-features=AutomationControlled"] : BaseArgs,
            UserAgent = likeAPerson ? DesktopAgent : null,
        });
}
