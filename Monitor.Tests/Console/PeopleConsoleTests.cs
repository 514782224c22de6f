using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;
using Monitor.Core.Ports;
using Monitor.Tests.Infrastructure;
using Monitor.Tests.Pulse;

namespace Monitor.Tests.Console;

/// <summary>
/// A member of staff on a phone in Chromium: signs in with the local account, filters the people list, opens a
/// red user, reads the timeline and its cause, acknowledges with a comment and removes it again.
/// </summary>
[NonParallelizable]
public sealed class PeopleConsoleTests
{
    private const string Red = "u010"; // Jonas Berg, HR, Paris

    [Test]
    public async Task Staff_filter_the_people_open_a_red_user_acknowledge_and_remove_it()
    {
        await using var alertmanager = await LoopbackHttpServer.StartAsync(async c =>
        {
            c.Response.ContentType = "application/json";
            await c.Response.WriteAsync("""
                [{"labels":{"alertname":"RedUserNotVisited","user":"u010"},"annotations":{"summary":"Down <3 days>"},
                  "startsAt":"2026-11-20T08:00:00Z"}]
                """);
        });
        await using var host = await PeopleConsoleHost.StartAsync($"--Console:AlertmanagerUrl={alertmanager.BaseUrl}",
            "--Console:GrafanaUrl=https://grafana.example.com");
        await host.MakeDownAsync(Red, "VPN <drops> every hour");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright, likeAPerson: true);
        var page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();
        await page.SetViewportSizeAsync(412, 860); // a phone
        var console = new Uri(host.InternalUrl, "/console/").AbsoluteUri;

        await page.GotoAsync(console + "people");
        Assert.That(page.Url, Does.Contain("/console/sign-in"), "the console asks who you are first");
        await page.FillAsync("#user", "admin");
        await page.FillAsync("#password", PeopleConsoleHost.Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(console + "people");

        var all = await page.InnerTextAsync("#count");
        await page.SelectOptionAsync("#department", "HR");
        await page.SelectOptionAsync("#site", "Paris");
        await page.ClickAsync("button:text('Filter')");
        await page.WaitForURLAsync(u => u.Contains("department=HR", StringComparison.Ordinal));
        Assert.That(await page.InnerTextAsync("#people"), Does.Contain("Jonas Berg").And.Not.Contain("Ada Lovelace"));
        await page.SelectOptionAsync("#state", "down");
        await page.ClickAsync("button:text('Filter')");
        await page.WaitForURLAsync(u => u.Contains("state=down", StringComparison.Ordinal));
        Assert.That(await page.InnerTextAsync("#count"), Does.StartWith("1 of").And.Not.EqualTo(all));
        // Jonas went red and nobody has visited him: he is on this week's list of who to visit.
        await page.CheckAsync("input[name=needs-visit]");
        await page.ClickAsync("button:text('Filter')");
        await page.WaitForURLAsync(u => u.Contains("needs-visit=true", StringComparison.Ordinal));
        Assert.That(await page.InnerTextAsync("#people"), Does.Contain("Jonas Berg"));
        Directory.CreateDirectory(Path.Combine(TestPaths.RepoRoot, "docs", "images"));
        await page.ScreenshotAsync(new PageScreenshotOptions
            { Path = Path.Combine(TestPaths.RepoRoot, "docs", "images", "console-people.png") });

        await page.ClickAsync("text=Jonas Berg");
        await page.WaitForURLAsync(console + "users/" + Red);
        Assert.That(await page.InnerTextAsync("#state"), Does.Contain("State down").And.Contain("score -1.00"));
        var timeline = await page.InnerTextAsync("#timeline");
        Assert.That(timeline, Does.Contain("VPN <drops> every hour"), "the comment is shown as text, encoded");
        Assert.That(timeline, Does.Contain("unknown → down").And.Contain("because of"), "the state change with its cause");
        Assert.That(await page.InnerTextAsync("ul.causes"), Does.Contain("touchpoint ☹ -1"));
        Assert.That(await page.InnerTextAsync("#test-section"), Is.EqualTo("Section for Jonas Berg seen by admin"));
        Assert.That(host.Audit.Entries.Any(e => e is { Actor: "admin", Action: AuditActions.ViewUser, SubjectUserId: Red }), Is.True,
            "the view is in the audit log");

        await page.FillAsync("#comment", "Calling him at 10 <today>");
        await page.SelectOptionAsync("#expiry", "1d");
        await ConsoleBrowser.SubmitAsync(page, "button:text('Acknowledge')");
        Assert.That(page.Url, Is.EqualTo(console + "users/" + Red));
        var ack = await page.InnerTextAsync("#acknowledgement");
        Assert.That(ack, Does.Contain("Acknowledged by admin").And.Contain("until").And.Contain("Calling him at 10 <today>"));
        await WaitForMetricAsync(host, $"satisfaction_user_acknowledged{{user=\"{Red}\"", present: true);
        await page.ScreenshotAsync(new PageScreenshotOptions
            { Path = Path.Combine(TestPaths.RepoRoot, "docs", "images", "console-user.png"), FullPage = true });

        await ConsoleBrowser.SubmitAsync(page, "button:text('Remove the acknowledgement')");
        Assert.That(page.Url, Is.EqualTo(console + "users/" + Red));
        Assert.That(await page.InnerTextAsync("#acknowledgement"), Does.Contain("Not acknowledged."));
        await WaitForMetricAsync(host, $"satisfaction_user_acknowledged{{user=\"{Red}\"", present: false);

        await page.GotoAsync(console);
        var headlines = await page.InnerTextAsync("#headlines");
        Assert.That(headlines, Does.Contain("Yesterday <Paris>, 3 this month"), "a feature's answer");
        Assert.That(headlines, Does.Contain("No change recorded yet."), "the default of a question nobody answers yet");
        Assert.That(await page.InnerTextAsync("#open-alerts"), Does.Contain("RedUserNotVisited · u010 — Down <3 days>"));
        Assert.That(await page.GetAttributeAsync("a:text('Grafana')", "href"), Is.EqualTo("https://grafana.example.com"));
    }

    [Test]
    public async Task Without_script_a_wrong_acknowledgement_keeps_the_form_and_an_unknown_user_is_404()
    {
        await using var host = await PeopleConsoleHost.StartAsync("--Console:AlertmanagerUrl=http://127.0.0.1:9");
        await host.MakeDownAsync(Red, "slow laptop");
        using var client = new ConsoleClient(host.InternalUrl);
        Assert.That(await client.SignInAsync("admin", PeopleConsoleHost.Password), Is.True);

        var (home, html, _) = await client.GetAsync("/console/");
        Assert.That(home, Is.EqualTo(HttpStatusCode.OK), "an Alertmanager that cannot be reached is a sentence, not a 500");
        Assert.That(ConsoleClient.Text(html), Does.Contain("Alertmanager could not be read"));

        var internalUrl = host.InternalUrl.GetLeftPart(UriPartial.Authority);
        Assert.That(await host.MetricsAsync(), Does.Contain($"satisfaction_console_info{{url=\"{internalUrl}\"}} 1"),
            "without Console:PublicUrl the alerts link to the internal listener");

        var (missing, _, _) = await client.GetAsync("/console/users/nobody");
        Assert.That(missing, Is.EqualTo(HttpStatusCode.NotFound));

        await client.GetAsync("/console/users/u001");
        var (conflict, page, _) = await client.PostAsync("/console/users/u001/acknowledgement",
            new Dictionary<string, string> { ["comment"] = "kept <as typed>", ["expiry"] = "" });
        Assert.That(conflict, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(page, Does.Contain("not down").And.Contain("kept &lt;as typed&gt;"));

        await client.GetAsync("/console/users/" + Red);
        var (bad, form, _) = await client.PostAsync($"/console/users/{Red}/acknowledgement",
            new Dictionary<string, string> { ["comment"] = "kept", ["expiry"] = "forever" });
        Assert.That(bad, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(form, Does.Contain("Choose an expiry"));

        var (forged, _, _) = await client.PostAsync($"/console/users/{Red}/acknowledgement",
            new Dictionary<string, string> { ["comment"] = "x", ["expiry"] = "" }, withToken: false);
        Assert.That(forged, Is.EqualTo(HttpStatusCode.BadRequest), "no anti-forgery token, no acknowledgement");
        var (_, after, _) = await client.GetAsync("/console/users/" + Red);
        Assert.That(ConsoleClient.Text(after), Does.Contain("Not acknowledged."));
    }

    [Test]
    public async Task A_viewer_sees_groups_without_names_and_no_user_page()
    {
        var internalPort = TestPaths.FreePort();
        await using var idp = await OidcProvider.StartAsync(new Uri($"http://127.0.0.1:{internalPort}"));
        await using var worker = await WorkerProcess.StartAsync(idp.WorkerSettings(), internalPort: internalPort);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright, likeAPerson: true);
        var page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();
        var console = new Uri(worker.InternalUrl, "/console/").AbsoluteUri;
        await page.GotoAsync(console + "people");
        await page.FillAsync("#login", OidcProvider.Bob.Login);
        await page.FillAsync("#password", OidcProvider.Bob.Password);
        await page.ClickAsync("#submit");
        await page.WaitForURLAsync(console + "people");

        for (var i = 0; i < 50 && !(await page.ContentAsync()).Contains(">Finance<", StringComparison.Ordinal); i++)
        {
            await Task.Delay(200); // the directory is still being imported
            await page.ReloadAsync();
        }
        var html = await page.ContentAsync();
        Assert.That(await page.InnerTextAsync("#departments"), Does.Contain("Finance"));
        var names = File.ReadLines(TestPaths.Samples("users.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.That(names.Where(n => html.Contains(n[2], StringComparison.Ordinal) || html.Contains(n[0], StringComparison.Ordinal)),
            Is.Empty, "no name and no id on a viewer's page");

        var user = await page.GotoAsync(console + "users/u001");
        Assert.That(user!.Status, Is.EqualTo(403));
        Assert.That(Encoding.UTF8.GetString(await user.BodyAsync()), Does.Not.Contain("Ada Lovelace"));
    }

    private static async Task WaitForMetricAsync(PeopleConsoleHost host, string series, bool present)
    {
        for (var i = 0; i < 75; i++)
        {
            var text = await host.MetricsAsync();
            var found = text.Split('\n').Any(l => l.StartsWith(series, StringComparison.Ordinal) && l.EndsWith(" 1", StringComparison.Ordinal));
            if (found == present)
                return;
            await Task.Delay(200);
        }
        Assert.Fail($"{series} never became {(present ? "present" : "absent")}");
    }
}
