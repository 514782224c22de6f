using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Monitor.Tests.Console;
using Monitor.Tests.Infrastructure;
using Monitor.Tests.Pulse;

namespace Monitor.Tests.Dependencies;

/// <summary>
/// The console's incidents in Chromium on the real worker: staff declare one (a refused title keeps the form), a user
/// who sends a bad signal during it shows "this dip was incident N" on their page, and staff resolve it.
/// </summary>
[NonParallelizable]
public sealed class IncidentBrowserTests
{
    private const string Password = "incident-password-1";

    [Test]
    public async Task Staff_declare_an_incident_the_user_page_names_it_for_the_dip_and_staff_resolve_it()
    {
        var mapping = Path.Combine(TestPaths.NewTempDir("sm-deps"), "dependencies.csv");
        File.WriteAllText(mapping, "child,parent\ndepartment:Finance,mail\n");
        await using var worker = await WorkerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Dependencies:MappingFile"] = mapping,
            ["Console:LocalAccount:Password"] = Password,
        });

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright, likeAPerson: false);
        var page = await browser.NewPageAsync();
        var console = worker.InternalUrl.ToString().TrimEnd('/');
        await ConsoleBrowser.SignInAsync(page, console, Password);
        await page.GotoAsync($"{console}/console/incidents");
        Assert.That(await page.TextContentAsync("h1"), Is.EqualTo("Incidents"));

        // Blanks pass the browser's check but not the server's: the form keeps the parent chosen.
        await page.SelectOptionAsync("#parent", "mail");
        await page.FillAsync("#title", "   ");
        await ConsoleBrowser.SubmitAsync(page, "text=Declare incident");
        Assert.That(await page.TextContentAsync(".error"), Does.Contain("title is required"));
        Assert.That(await page.InputValueAsync("#parent"), Is.EqualTo("mail"));

        await page.FillAsync("#title", "Exchange <down>");
        await ConsoleBrowser.SubmitAsync(page, "text=Declare incident");
        var id = Regex.Match(page.Url, "/console/incidents/([0-9]+)$").Groups[1].Value;
        Assert.That(await page.TextContentAsync("#title"), Is.EqualTo($"Incident {id}: Exchange <down>"), "the title is encoded, not markup");
        Assert.That(await page.TextContentAsync("#status"), Does.Contain("Open since"));

        // u001 (Finance) hangs under mail: their bad signal during the incident is that incident's dip.
        using (var r = await worker.Admin.PostAsync("/api/users/u001/signals",
                   new StringContent("""{"kind":"touchpoint","score":-1.0,"comment":"no mail"}""", Encoding.UTF8, "application/json")))
            Assert.That((int)r.StatusCode, Is.LessThan(300));
        await page.GotoAsync($"{console}/console/users/u001");
        Assert.That(await page.TextContentAsync("#incidents"),
            Does.Contain($"This dip was incident {id} (Exchange <down>, mail down from").And.Contain("-1.0 signal during it"));
        await page.GotoAsync($"{console}/console/users/u002");
        Assert.That(await page.Locator("#incidents").CountAsync(), Is.Zero, "Sales is not under mail");

        await page.GotoAsync($"{console}/console/incidents/{id}");
        await ConsoleBrowser.SubmitAsync(page, "button:text('Resolve')");
        Assert.That(await page.TextContentAsync("#status"), Does.StartWith("Resolved").And.Contain("by admin"));
        var listed = await worker.Admin.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/incidents/{id}");
        Assert.That(listed.GetProperty("open").GetBoolean(), Is.False);
    }
}
