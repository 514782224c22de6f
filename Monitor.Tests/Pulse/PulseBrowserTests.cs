using System.Text.Json;
using Microsoft.Playwright;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Pulse;

/// <summary>People and link scanners in a real Chromium against the real worker.</summary>
[NonParallelizable]
public sealed class PulseBrowserTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private SmtpSink _sink = null!;
    private PulseWorld _world = null!;
    private IPlaywright _playwright = null!;

    [SetUp]
    public async Task Start()
    {
        _sink = await SmtpSink.StartAsync();
        _world = await PulseWorld.StartAsync(Stores.Sqlite, _sink);
        _playwright = await Playwright.CreateAsync();
    }

    [TearDown]
    public async Task Stop()
    {
        _playwright.Dispose();
        await _world.DisposeAsync();
        _sink.Dispose();
    }

    private async Task<IReadOnlyList<MimeKit.MimeMessage>> DeliverAsync()
    {
        await _world.DispatchAsync();
        return await _sink.WaitForAsync(PulseWorld.DueUsers.Length, Wait);
    }

    private static MimeKit.MimeMessage For(IReadOnlyList<MimeKit.MimeMessage> messages, string user) =>
        messages.Single(m => PulseWorld.Recipient(m) == $"{user}@example.com");

    private static double Score(JsonElement signal) => signal.GetProperty("score").GetDouble();

    [Test]
    public async Task A_person_clicking_one_answer_records_it_and_can_change_it_and_comment_safely()
    {
        var message = For(await DeliverAsync(), "p1");
        await Task.Delay(TimeSpan.FromSeconds(3.5)); // a person opens the mail a while after it arrived
        await using var browser = await Browsers.LaunchAsync(_playwright, likeAPerson: true);
        var page = await browser.NewPageAsync();

        await page.GotoAsync(PulseWorld.AnswerLinks(message)[0]);
        await WaitForThanksAsync(page);
        Assert.That(await page.InnerTextAsync("#recorded"), Does.Contain("Very unhappy"));
        Assert.That(Score((await _world.PulseAnswersAsync("p1")).Single()), Is.EqualTo(-1));
        await _world.WaitForUserAsync("p1", u => u.GetProperty("state").GetString() == "down", Wait);

        // The person's own later click changes the answer.
        await page.GotoAsync(PulseWorld.AnswerLinks(message)[3]);
        await WaitForThanksAsync(page);
        Assert.That(Score((await _world.PulseAnswersAsync("p1")).Single()), Is.EqualTo(0.5));

        // A scanner re-fetching every link later changes nothing.
        using (var http = new HttpClient())
        {
            foreach (var link in PulseWorld.Links(message)) (await http.GetAsync(link)).Dispose();
        }
        Assert.That(Score((await _world.PulseAnswersAsync("p1")).Single()), Is.EqualTo(0.5));

        // Right after such a sweep the page no longer submits by itself: the person confirms with Send.
        await page.GotoAsync(PulseWorld.AnswerLinks(message)[1]);
        await page.WaitForSelectorAsync("text=Please press Send");
        Assert.That(Score((await _world.PulseAnswersAsync("p1")).Single()), Is.EqualTo(0.5));
        await page.ClickAsync("button[type=submit]");
        await WaitForThanksAsync(page);
        Assert.That(Score((await _world.PulseAnswersAsync("p1")).Single()), Is.EqualTo(-0.5));

        // The thank-you page: another answer and a comment that tries to run a script.
        const string comment = "<script>window.pwned = 1</script><b>slow VPN</b> & \"more\"";
        await page.CheckAsync("input[name=answer][value='5']");
        await page.FillAsync("textarea[name=comment]", comment);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("#comment");
        Assert.That(await page.InnerTextAsync("#comment"), Is.EqualTo(comment), "shown as text");
        Assert.That(await page.EvaluateAsync<bool>("() => window.pwned === undefined"), Is.True, "never run");
        var answer = (await _world.PulseAnswersAsync("p1")).Single();
        Assert.That(Score(answer), Is.EqualTo(1));
        Assert.That(answer.GetProperty("comment").GetString(), Is.EqualTo(comment), "stored as text");
        Assert.That(await _world.Worker.MetricsAsync(), Does.Contain("satisfaction_pulse_answers_total 4"));
    }

    private async Task WaitForThanksAsync(IPage page)
    {
        try
        {
            await page.WaitForSelectorAsync("#recorded", new() { Timeout = 15_000 });
        }
        catch (TimeoutException)
        {
            var clues = await page.EvaluateAsync<string>("() => JSON.stringify({wd: navigator.webdriver, vis: document.visibilityState, ua: navigator.userAgent})");
            Assert.Fail($"no thank-you page. Browser: {clues}\nPage: {await page.ContentAsync()}\nMetrics: {await _world.Worker.MetricsAsync()}");
        }
    }

    [Test]
    public async Task A_plain_http_scanner_fetching_every_link_records_nothing_and_is_counted()
    {
        var messages = await DeliverAsync();
        using var http = new HttpClient();
        foreach (var m in messages)
        {
            foreach (var link in PulseWorld.Links(m))
            {
                (await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, link))).Dispose();
                (await http.GetAsync(link)).Dispose();
            }
        }
        await AssertNothingRecordedAsync(messages.Count);
    }

    [TestCase(false, TestName = "A headless browser opening every link right after delivery records nothing and is counted")]
    [TestCase(true, TestName = "A headless browser that hides its automation and opens every link right after delivery records nothing and is counted")]
    public async Task A_headless_browser_scanner_records_nothing(bool hidesAutomation)
    {
        var messages = await DeliverAsync();
        await using var browser = await Browsers.LaunchAsync(_playwright, likeAPerson: hidesAutomation);
        foreach (var m in messages)
        {
            var pages = new List<IPage>();
            foreach (var link in PulseWorld.Links(m))
            {
                var page = await browser.NewPageAsync();
                await page.GotoAsync(link);
                pages.Add(page);
            }
            await Task.Delay(1500); // long enough for every page's script to have run
            foreach (var p in pages) await p.CloseAsync();
        }
        await AssertNothingRecordedAsync(messages.Count);
    }

    private async Task AssertNothingRecordedAsync(int messages)
    {
        await Task.Delay(1000);
        foreach (var user in PulseWorld.DueUsers)
        {
            Assert.That(await _world.PulseAnswersAsync(user), Is.Empty, user);
            Assert.That((await _world.UserAsync(user)).GetProperty("user").GetProperty("optedOut").GetBoolean(), Is.False, $"{user} still subscribed");
        }
        var metrics = await _world.Worker.MetricsAsync();
        Assert.That(PulseWorld.ScannerHits(metrics), Is.GreaterThanOrEqualTo(messages), metrics);
        Assert.That(metrics, Does.Not.Contain("satisfaction_pulse_answers_total 1"));
    }
}
