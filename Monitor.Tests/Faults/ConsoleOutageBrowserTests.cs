using System.Text.Json;
using Microsoft.Playwright;
using Monitor.Tests.Console;
using Monitor.Tests.Infrastructure;
using Monitor.Tests.Pulse;

namespace Monitor.Tests.Faults;

/// <summary>
/// The IT staff console while its PostgreSQL is stopped (issue 13, "Faults"): a person in Chromium gets a page in the
/// console's layout saying nothing was saved and to try again, with 503 and <c>Retry-After</c>; a client asking for
/// JSON on the same URL keeps problem details.
/// </summary>
[NonParallelizable]
public sealed class ConsoleOutageBrowserTests
{
    private const string Password = "console-outage-password-1";

    [Test]
    public async Task During_a_store_outage_the_console_shows_an_encoded_503_page_and_api_clients_keep_problem_details()
    {
        await using var pg = await PrivatePostgres.CreateAsync();
        await using var worker = await WorkerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Storage:Provider"] = "postgres",
            ["Storage:ConnectionString"] = pg.ConnectionString,
            ["Console:LocalAccount:Password"] = Password,
            ["Pulse:Cron"] = "0 0 0 1 1 ? 2099",
        });
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright, likeAPerson: false);
        var page = await browser.NewPageAsync();
        var console = worker.InternalUrl.ToString().TrimEnd('/');
        await ConsoleBrowser.SignInAsync(page, console, Password);
        var people = $"{console}/console/people?department=%3Cb%3Ebold%3C%2Fb%3E";
        Assert.That((await page.GotoAsync(people))!.Status, Is.EqualTo(200));
        await page.GotoAsync($"{console}/console/");

        await pg.StopAsync();

        // A form sent during the outage (signing out records the session's end in the store).
        var posted = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("form[action='/console/sign-out'] button"),
            r => r.Request.IsNavigationRequest, new PageRunAndWaitForResponseOptions { Timeout = 30000 });
        Assert.That(posted.Status, Is.EqualTo(503), () => worker.Log);
        Assert.That(await posted.HeaderValueAsync("retry-after"), Is.EqualTo("5"));
        Assert.That(await posted.HeaderValueAsync("content-type"), Does.StartWith("text/html"));
        Assert.That(await page.Locator("h1").TextContentAsync(), Is.EqualTo("The store is unavailable"));
        Assert.That(await page.Locator("p").First.TextContentAsync(),
            Does.Contain("nothing was saved").And.Contain("Try again in 5 seconds"));
        Assert.That(await page.Locator("a", new PageLocatorOptions { HasText = "Try again" }).GetAttributeAsync("href"),
            Is.EqualTo("/console/"));

        // A page asked for during the outage: the link retries the same address, and what the address carries stays text.
        var response = await page.GotoAsync(people);
        Assert.That(response!.Status, Is.EqualTo(503));
        Assert.That(await response.HeaderValueAsync("retry-after"), Is.EqualTo("5"));
        Assert.That(await page.TitleAsync(), Does.StartWith("The store is unavailable"));
        Assert.That(await page.Locator("a", new PageLocatorOptions { HasText = "Try again" }).GetAttributeAsync("href"),
            Is.EqualTo("/console/people?department=%3Cb%3Ebold%3C%2Fb%3E"));
        Assert.That(await page.Locator("b").CountAsync(), Is.Zero);

        // The same URL from a client that asks for JSON, with the same session cookie.
        var api = await page.APIRequest.GetAsync(people, new APIRequestContextOptions
        {
            Headers = new Dictionary<string, string> { ["Accept"] = "application/json" },
        });
        Assert.That(api.Status, Is.EqualTo(503));
        Assert.That(api.Headers["content-type"], Does.StartWith("application/problem+json"));
        using (var problem = JsonDocument.Parse(await api.TextAsync()))
            Assert.That(problem.RootElement.GetProperty("detail").GetString(), Does.StartWith("Nothing was saved"));

        await pg.StartAsync();
        var metrics = await worker.MetricsAsync();
        Assert.That(metrics, Does.Match("satisfaction_store_unavailable_responses_total\\{surface=\"console\"\\} [3-9]"));
        Assert.That(worker.Log, Does.Not.Contain("An unhandled exception has occurred"));
    }
}
