using System.Globalization;
using Microsoft.Playwright;
using Monitor.Tests.Console;
using Monitor.Tests.Infrastructure;
using Monitor.Tests.Pulse;

namespace Monitor.Tests.Downtime;

/// <summary>
/// The console's downtime page in Chromium on the real worker: a refused form keeps what was typed, a downtime is
/// scheduled with the signed-in person as author, the user's page says they are in downtime, and "End now" ends it.
/// </summary>
[NonParallelizable]
public sealed class DowntimeBrowserTests
{
    private const string Password = "downtime-console-password-1";

    [Test]
    public async Task Staff_schedule_a_downtime_see_it_on_the_users_page_and_end_it_early()
    {
        await using var worker = await WorkerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Console:LocalAccount:Password"] = Password,
        });
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright, likeAPerson: false);
        var page = await browser.NewPageAsync();
        var console = worker.InternalUrl.ToString().TrimEnd('/');
        await ConsoleBrowser.SignInAsync(page, console, Password);

        await page.GotoAsync($"{console}/console/downtimes");
        Assert.That(await page.TextContentAsync("h1"), Is.EqualTo("Downtime"));
        var until = DateTime.UtcNow.AddDays(2).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);

        // Blanks pass the browser's "required" but not the server: the page comes back with what was typed.
        await page.FillAsync("#users", "u001, u002");
        await page.FillAsync("#until", until);
        await page.FillAsync("#reason", "   ");
        await ConsoleBrowser.SubmitAsync(page, "text=Schedule downtime");
        Assert.That(await page.TextContentAsync(".error"), Does.Contain("reason is required"));
        Assert.That(await page.InputValueAsync("#users"), Is.EqualTo("u001, u002"));

        await page.FillAsync("#reason", "Team offsite <b>away</b>");
        await ConsoleBrowser.SubmitAsync(page, "text=Schedule downtime");
        var row = await page.TextContentAsync("#downtimes tbody");
        Assert.That(row, Does.Contain("u001, u002").And.Contain("Team offsite <b>away</b>").And.Contain("admin").And.Contain("now"),
            "the author is the signed-in person; the reason is shown as typed, encoded");

        await page.GotoAsync($"{console}/console/users/u001");
        Assert.That(await page.TextContentAsync("#downtime-now"), Does.StartWith("In downtime now until"));

        await page.GotoAsync($"{console}/console/downtimes");
        await ConsoleBrowser.SubmitAsync(page, "text=End now");
        Assert.That(await page.TextContentAsync("#downtimes tbody"), Does.Contain("No downtime now or to come."));
        await page.GotoAsync($"{console}/console/users/u001");
        Assert.That(await page.TextContentAsync("#downtime-now"), Is.EqualTo("Not in downtime now."));
    }
}
