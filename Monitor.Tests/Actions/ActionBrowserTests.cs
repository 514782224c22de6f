using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Monitor.Tests.Console;
using Monitor.Tests.Infrastructure;
using Monitor.Tests.Pulse;

namespace Monitor.Tests.Actions;

/// <summary>
/// The whole loop in Chromium on the real worker: a person signs in, creates an action, links two users' comments
/// (and one from someone who unsubscribed), ships it telling the people; each gets one note with their own words,
/// later a follow-up pulse whose answer the action reports; the public page shows the change and nothing personal.
/// </summary>
[NonParallelizable]
public sealed class ActionBrowserTests
{
    private const string Title = "VPN that stays up";

    [Test]
    public async Task Feedback_becomes_an_action_the_people_hear_back_and_are_asked_whether_it_helped()
    {
        await using var world = await ActionWorld.StartAsync();
        var ann = "The VPN drops every morning at nine";
        var bob = "VPN disconnects during calls, again";
        await world.SayAsync("a1", ann);
        await world.SayAsync("b1", bob, score: -1);
        await world.SayAsync("c1", "VPN is unusable (I unsubscribed)");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright, likeAPerson: false);
        var page = await browser.NewPageAsync();
        var console = world.Worker.InternalUrl.ToString().TrimEnd('/');
        await ConsoleBrowser.SignInAsync(page, console, ActionWorld.Password);
        await page.GotoAsync($"{console}/console/actions");
        Assert.That(await page.TextContentAsync("h1"), Is.EqualTo("You said, we did"));

        // A description of blanks passes the browser's check but not the server's: the page keeps what was typed.
        await page.FillAsync("#title", Title);
        await page.FillAsync("#description", "   ");
        await page.FillAsync("#owner", "network team");
        await ConsoleBrowser.SubmitAsync(page, "text=Create action");
        Assert.That(await page.TextContentAsync(".error"), Does.Contain("description is required"));
        Assert.That(await page.InputValueAsync("#title"), Is.EqualTo(Title));
        Assert.That(await page.InputValueAsync("#owner"), Is.EqualTo("network team"));

        await page.FillAsync("#description", "Replaced the VPN concentrator and doubled its capacity");
        await ConsoleBrowser.SubmitAsync(page, "text=Create action");
        Assert.That(await page.TextContentAsync("#title"), Is.EqualTo(Title));
        var id = Regex.Match(page.Url, "/console/actions/([0-9a-f-]{36})").Groups[1].Value;

        await page.FillAsync("#q", "vpn");
        await ConsoleBrowser.SubmitAsync(page, "button:text('Search')");
        Assert.That(await page.Locator("#found input[type=checkbox]").CountAsync(), Is.EqualTo(3));
        foreach (var box in await page.Locator("#found input[type=checkbox]").AllAsync()) await box.CheckAsync();
        await ConsoleBrowser.SubmitAsync(page, "text=Link to this action");
        Assert.That(await page.Locator("#links li").CountAsync(), Is.EqualTo(3));
        Assert.That(await page.TextContentAsync("#links"), Does.Contain(ann).And.Contain(bob));

        await page.CheckAsync("#notify");
        await ConsoleBrowser.SubmitAsync(page, "button:text('Ship')");
        Assert.That(await page.TextContentAsync("#status"), Does.Contain("Shipped").And.Contain("2 people told"));

        var notes = await world.WaitForMailAsync($"You said, we did: {Title}", 2, TimeSpan.FromSeconds(20));
        var byRecipient = notes.ToDictionary(PulseWorld.Recipient, m => m.TextBody);
        Assert.That(byRecipient.Keys.Order(), Is.EqualTo(new[] { "a1@example.com", "b1@example.com" }), "never to the unsubscribed");
        Assert.That(byRecipient["a1@example.com"], Does.Contain($"You told us: «{ann}».").And.Not.Contain(bob));
        Assert.That(byRecipient["b1@example.com"], Does.Contain($"You told us: «{bob}».").And.Not.Contain(ann));
        Assert.That(byRecipient["a1@example.com"], Does.Contain("We replaced the VPN concentrator and doubled its capacity."));

        // Actions:FollowUpAfter later, each person told gets a pulse asking whether it helped; Ann answers "happy".
        var followUps = await world.WaitForMailAsync($"Did \u201c{Title}\u201d help?", 2, TimeSpan.FromSeconds(30));
        Assert.That(followUps.Select(PulseWorld.Recipient).Order(), Is.EqualTo(new[] { "a1@example.com", "b1@example.com" }));
        var happy = PulseWorld.AnswerLinks(followUps.Single(m => PulseWorld.Recipient(m) == "a1@example.com"))[3];
        await Task.Delay(1500);
        using (var http = new HttpClient())
        {
            http.DefaultRequestHeaders.UserAgent.ParseAdd(Browsers.DesktopAgent);
            using var answer = await http.PostAsync(happy, new FormUrlEncodedContent([new("auto", "0"), new("wd", "0")]));
            Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        var action = await world.ActionAsync(id);
        var followUp = action.GetProperty("followUp");
        Assert.That((followUp.GetProperty("sent").GetInt32(), followUp.GetProperty("answered").GetInt32()), Is.EqualTo((2, 1)));
        Assert.That(followUp.GetProperty("answers").GetProperty("happy").GetInt32(), Is.EqualTo(1));
        await page.ReloadAsync();
        Assert.That(await page.TextContentAsync("#follow-up"), Is.EqualTo("2 follow-up pulses sent, 1 answered."));
        await page.SetViewportSizeAsync(900, 700);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath(), FullPage = true });

        // The public page: the change, and nothing about who asked for it.
        using var open = new HttpClient { BaseAddress = world.Worker.PublicUrl };
        var changes = await open.GetStringAsync("/changes");
        Assert.That(changes, Does.Contain(Title).And.Contain("Replaced the VPN concentrator"));
        foreach (var personal in new[] { ann, bob, "Ann", "Bob", "a1", "b1", "example.com", "network team", "admin" })
            Assert.That(changes, Does.Not.Contain(personal), personal);
        Assert.That((await open.GetAsync("/api/actions")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "no API on the public listener");

        var metrics = await world.Worker.WaitForMetricsAsync(m => m.Contains("satisfaction_actions{status=\"shipped\"} 1"),
            TimeSpan.FromSeconds(10));
        Assert.That(metrics, Does.Contain("satisfaction_action_feedback_age_at_ship_seconds_count 1"));
        Assert.That(metrics, Does.Contain("satisfaction_feedback_without_action 0"));
        Assert.That(metrics, Does.Not.Contain("satisfaction_last_action_shipped_timestamp_seconds 0\n"));
        var (code, lint) = await ProcessRunner.RunAsync("promtool", ["check", "metrics"], stdin: metrics);
        Assert.That((code, lint.Trim()), Is.EqualTo((0, "")), "promtool check metrics stays clean");
    }

    private static string ScreenshotPath()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "satisfaction-monitor.sln"))) dir = dir.Parent;
        return Path.Combine(dir!.FullName, "docs", "images", "console-action.png");
    }
}
