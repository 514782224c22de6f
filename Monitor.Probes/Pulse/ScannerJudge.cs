namespace Monitor.Probes.Pulse;

/// <summary>What the server knows about one fetch of an answer link.</summary>
/// <param name="SentAt">When the mail server accepted the pulse (null: not sent yet).</param>
/// <param name="HoneypotAt">When the pulse's hidden link was last fetched, if ever.</param>
/// <param name="DistinctAnswersInBurst">Distinct answers of this pulse fetched inside the burst window, this one included.</param>
/// <param name="Automation">The browser says it is automated (navigator.webdriver, a headless user agent).</param>
/// <param name="PersonClicked">The request is the explicit "Send" button, not the page's automatic submit.</param>
public sealed record LinkFetch(DateTimeOffset Now, DateTimeOffset? SentAt, DateTimeOffset? HoneypotAt,
    int DistinctAnswersInBurst, bool Automation, bool PersonClicked);

/// <summary>The thresholds of <see cref="ScannerJudge"/>; defaults are documented in docs/pulse.md.</summary>
public sealed record ScannerRules(TimeSpan MinimumAfterSend, TimeSpan BurstWindow, int BurstAnswers, TimeSpan HoneypotQuarantine);

/// <summary>
/// Tells a mail gateway's link scanner from a person. Returns the reason (the metric's label) when the
/// fetch looks like a scanner, or null when it may record an answer.
/// </summary>
public static class ScannerJudge
{
    public const string Head = "head";
    public const string Honeypot = "honeypot";
    public const string TooSoon = "too_soon";
    public const string ManyAnswers = "many_answers";
    public const string Automation = "automation";

    /// <summary>Every reason a fetch is refused: the known values of the <c>reason</c> label.</summary>
    public static IReadOnlyList<string> Reasons { get; } = [Head, Honeypot, TooSoon, ManyAnswers, Automation];

    public static string? Judge(LinkFetch f, ScannerRules rules)
    {
        if (f.Automation) return Automation;
        if (f.SentAt is null || f.Now - f.SentAt.Value < rules.MinimumAfterSend) return TooSoon;
        // A person who sees the confirmation page and presses "Send" is believed despite the pulse's
        // scanner history: the scanner fetched, the person clicked.
        if (f.PersonClicked) return null;
        if (f.HoneypotAt is { } h && f.Now - h < rules.HoneypotQuarantine) return Honeypot;
        if (f.DistinctAnswersInBurst >= rules.BurstAnswers) return ManyAnswers;
        return null;
    }

    /// <summary>User agents that announce automation; a real browser's never contains these.</summary>
    public static bool IsAutomatedAgent(string? userAgent) =>
        userAgent is not null && (userAgent.Contains("HeadlessChrome", StringComparison.OrdinalIgnoreCase) ||
                                  userAgent.Contains("PhantomJS", StringComparison.OrdinalIgnoreCase));
}
