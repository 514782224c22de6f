using Monitor.Probes.Pulse;

namespace Monitor.Tests.Pulse;

public sealed class ScannerJudgeTests
{
    private static readonly DateTimeOffset Sent = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static readonly ScannerRules Rules = new(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30), 3, TimeSpan.FromMinutes(10));

    private static string? Judge(TimeSpan after, int distinct = 1, bool automation = false, bool clicked = false, DateTimeOffset? honeypot = null) =>
        ScannerJudge.Judge(new LinkFetch(Sent + after, Sent, honeypot, distinct, automation, clicked), Rules);

    [Test]
    public void A_person_clicking_one_answer_minutes_after_delivery_is_believed() =>
        Assert.That(Judge(TimeSpan.FromMinutes(5)), Is.Null);

    [Test]
    public void A_fetch_seconds_after_delivery_is_a_scanner() =>
        Assert.That(Judge(TimeSpan.FromSeconds(5)), Is.EqualTo(ScannerJudge.TooSoon));

    [Test]
    public void Every_answer_fetched_within_the_burst_window_is_a_scanner() =>
        Assert.That(Judge(TimeSpan.FromMinutes(5), distinct: 5), Is.EqualTo(ScannerJudge.ManyAnswers));

    [Test]
    public void An_automated_browser_is_a_scanner_even_when_it_clicks() =>
        Assert.That(Judge(TimeSpan.FromMinutes(5), automation: true, clicked: true), Is.EqualTo(ScannerJudge.Automation));

    [Test]
    public void After_the_honeypot_was_fetched_only_an_explicit_click_records()
    {
        Assert.That(Judge(TimeSpan.FromMinutes(5), honeypot: Sent.AddSeconds(2)), Is.EqualTo(ScannerJudge.Honeypot));
        Assert.That(Judge(TimeSpan.FromMinutes(5), honeypot: Sent.AddSeconds(2), clicked: true), Is.Null);
    }

    [Test]
    public void A_pulse_not_yet_handed_to_the_mail_server_cannot_be_answered() =>
        Assert.That(ScannerJudge.Judge(new LinkFetch(Sent, null, null, 1, false, true), Rules), Is.EqualTo(ScannerJudge.TooSoon));

    [TestCase("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/140.0.0.0 Safari/537.36", true)]
    [TestCase("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36", false)]
    public void Headless_user_agents_announce_automation(string agent, bool automated) =>
        Assert.That(ScannerJudge.IsAutomatedAgent(agent), Is.EqualTo(automated));
}
