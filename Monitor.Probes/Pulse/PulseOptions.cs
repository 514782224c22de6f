using Microsoft.Extensions.Options;

namespace Monitor.Probes.Pulse;

/// <summary>The pulse probe: who gets a pulse and when, its links, its questions. Bound from <c>Pulse</c>.</summary>
public sealed class PulseOptions
{
    public const string Section = "Pulse";

    /// <summary>Runs the probe; it still stays off while <see cref="SigningKeys"/> is empty.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Quartz cron (seconds first), in UTC; the per-user calendar decides who is due.</summary>
    public string Cron { get; set; } = "0 0/15 7-10 ? * MON-FRI";

    /// <summary>The public listener as people's browsers reach it; links in e-mails start with it.</summary>
    public string PublicBaseUrl { get; set; } = "";

    /// <summary>HMAC keys of the links, at least 32 characters each: the first signs, all verify.</summary>
    public string[] SigningKeys { get; set; } = [];

    public TimeSpan LinkValidity { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The fatigue budget: at most one pulse per person per this interval.</summary>
    public TimeSpan MinimumInterval { get; set; } = TimeSpan.FromDays(14);

    /// <summary>A follow-up pulse this long after on-call acknowledged a down user.</summary>
    public TimeSpan FollowUpAfter { get; set; } = TimeSpan.FromDays(3);

    /// <summary>
    /// Days pulses go out, where the person is; empty means Monday to Friday. (Empty rather than an
    /// initialised array, because the configuration binder appends to an array's initial items.)
    /// </summary>
    public DayOfWeek[] BusinessDays { get; set; } = [];

    public IReadOnlyCollection<DayOfWeek> EffectiveBusinessDays() => BusinessDays.Length > 0
        ? BusinessDays
        : [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    /// <summary>Local time before which nobody gets a pulse.</summary>
    public TimeOnly QuietUntil { get; set; } = new(9, 0);

    /// <summary>Local time from which nobody gets a pulse.</summary>
    public TimeOnly QuietFrom { get; set; } = new(17, 0);

    /// <summary>Share of due people picked on a given day (stable per person and day), so that the load spreads.</summary>
    public double DailySampleRate { get; set; } = 0.2;

    /// <summary>Pulses created per run at most; the rest wait for the next run.</summary>
    public int MaxPerRun { get; set; } = 2000;

    /// <summary>Weight of the <c>pulse_no_answer</c> signal of an expired pulse (its score is 0).</summary>
    public double NoAnswerWeight { get; set; } = 0.2;

    public int CommentMaxLength { get; set; } = 1000;

    /// <summary>The question set sent: <c>default</c>, <c>value</c> or one of <see cref="QuestionSets"/>.</summary>
    public string QuestionSet { get; set; } = PulseQuestions.Default;

    /// <summary>More question sets, by name, besides the built-in ones.</summary>
    public Dictionary<string, string[]> QuestionSets { get; set; } = [];

    /// <summary>
    /// Per-culture text of configured sets: <c>QuestionSetTranslations:&lt;set&gt;:&lt;culture&gt;:&lt;n&gt;</c> (docs/pulse.md, "Languages").
    /// </summary>
    public Dictionary<string, Dictionary<string, string[]>> QuestionSetTranslations { get; set; } = [];

    /// <summary>What the thank-you page offers as "what was it mostly about?".</summary>
    public FactorOptions Factors { get; set; } = new();

    public ScannerOptions Scanner { get; set; } = new();

    /// <summary>The channel pulses are delivered through: the name of a registered channel (<c>email</c> by default).</summary>
    public string Channel { get; set; } = "email";

    public bool CanSign => SigningKeys.Any(k => !string.IsNullOrEmpty(k));

    public string[] Questions() => PulseQuestions.Resolve(QuestionSet, QuestionSets) ?? [];
}

/// <summary>How link scanners are told from people (docs/pulse.md).</summary>
public sealed class ScannerOptions
{
    public TimeSpan MinimumAfterSend { get; set; } = TimeSpan.FromSeconds(60);

    public TimeSpan BurstWindow { get; set; } = TimeSpan.FromSeconds(30);

    public int BurstAnswers { get; set; } = 3;

    public TimeSpan HoneypotQuarantine { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long the landing page waits before it submits the answer by itself.</summary>
    public TimeSpan AutoSubmitDelay { get; set; } = TimeSpan.FromMilliseconds(1500);

    public ScannerRules Rules() => new(MinimumAfterSend, BurstWindow, BurstAnswers, HoneypotQuarantine);
}

/// <summary>Checks the pulse settings; every failure names its full key.</summary>
public sealed class PulseOptionsValidator : IValidateOptions<PulseOptions>
{
    /// <summary>The longest <c>Pulse:LinkValidity</c> accepted.</summary>
    public static readonly TimeSpan MaxLinkValidity = TimeSpan.FromDays(90);

    // Beyond ten years a pulse interval means "never" and the dates it is added to overflow.
    private static readonly TimeSpan MaxInterval = TimeSpan.FromDays(3650);

    // Retention:LinkHits is at least an hour.
    private static readonly TimeSpan MaxScannerWindow = TimeSpan.FromHours(1);

    public ValidateOptionsResult Validate(string? name, PulseOptions o)
    {
        const string s = PulseOptions.Section;
        var failures = new List<string>();
        if (o.Enabled && !CronSchedule.IsValid(o.Cron))
            failures.Add($"{s}:{nameof(o.Cron)} is not a valid Quartz cron expression that fires (got '{o.Cron}').");
        if (o.Enabled && o.CanSign && !(Uri.TryCreate(o.PublicBaseUrl, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"))
            failures.Add($"{s}:{nameof(o.PublicBaseUrl)} must be the http(s) URL people's browsers reach the public listener at (got '{o.PublicBaseUrl}').");
        // Links are built by appending a path: a query or fragment would swallow it.
        else if (o.Enabled && o.CanSign && Uri.TryCreate(o.PublicBaseUrl, UriKind.Absolute, out var b) &&
                 (b.Query.Length > 0 || b.Fragment.Length > 0))
            failures.Add($"{s}:{nameof(o.PublicBaseUrl)} must not have a query or a fragment (got '{o.PublicBaseUrl}').");
        for (var i = 0; i < o.SigningKeys.Length; i++)
        {
            // Blanks and padding are not secret: count what is left without them.
            if (o.SigningKeys[i]?.Trim() is not { Length: >= 32 })
                failures.Add($"{ValidatedOptions.ElementKey(o, $"{s}:{nameof(o.SigningKeys)}", i)} must be at least 32 characters other than spaces (a random secret; rotate by putting a new key first).");
        }
        Positive(o.LinkValidity, nameof(o.LinkValidity));
        // A link is a bearer credential in a mailbox: months of validity is a setting gone wrong (and dates overflow).
        if (o.LinkValidity > MaxLinkValidity)
            failures.Add($"{s}:{nameof(o.LinkValidity)} must be at most {MaxLinkValidity.TotalDays} days (got {o.LinkValidity}).");
        for (var i = 0; i < o.BusinessDays.Length; i++)
        {
            if (!Enum.IsDefined(o.BusinessDays[i]))
                failures.Add($"{ValidatedOptions.ElementKey(o, $"{s}:{nameof(o.BusinessDays)}", i)} holds {(int)o.BusinessDays[i]}, " +
                             "which is not a day of the week (Monday ... Sunday).");
        }
        Positive(o.MinimumInterval, nameof(o.MinimumInterval), MaxInterval);
        Positive(o.FollowUpAfter, nameof(o.FollowUpAfter), MaxInterval);
        if (o.QuietUntil >= o.QuietFrom)
            failures.Add($"{s}:{nameof(o.QuietUntil)} ({o.QuietUntil}) must be before {s}:{nameof(o.QuietFrom)} ({o.QuietFrom}).");
        if (!(o.DailySampleRate is > 0 and <= 1))
            failures.Add($"{s}:{nameof(o.DailySampleRate)} must be in (0, 1] (got {o.DailySampleRate}).");
        if (o.MaxPerRun < 1) failures.Add($"{s}:{nameof(o.MaxPerRun)} must be at least 1.");
        if (!(o.NoAnswerWeight is > 0 and <= 1))
            failures.Add($"{s}:{nameof(o.NoAnswerWeight)} must be in (0, 1] (got {o.NoAnswerWeight}).");
        if (o.CommentMaxLength is < 1 or > 4000) failures.Add($"{s}:{nameof(o.CommentMaxLength)} must be in [1, 4000].");
        // Every configured set, not only Pulse:QuestionSet's: a campaign may choose any of them. A wrong set is named by its
        // key, its wrong question by the question's own key.
        foreach (var (set, questions) in o.QuestionSets)
        {
            var key = $"{s}:{nameof(o.QuestionSets)}:{set}";
            if (questions.Length is < 1 or > 10) failures.Add($"{key} must have 1 to 10 questions (got {questions.Length}).");
            for (var i = 0; i < questions.Length; i++)
            {
                if (string.IsNullOrWhiteSpace(questions[i]))
                    failures.Add($"{ValidatedOptions.ElementKey(o, key, i)} is blank: give the question's text, or leave the key out.");
            }
        }
        if (!o.QuestionSets.ContainsKey(o.QuestionSet) && o.Questions() is not { Length: > 0 and <= 10 })
            failures.Add($"{s}:{nameof(o.QuestionSet)} '{o.QuestionSet}' is not a question set with 1 to 10 questions (built in: {string.Join(", ", PulseQuestions.BuiltIn.Keys)}).");
        PulseOptionsTranslations.Validate(o, failures);
        var sc = $"{s}:{nameof(o.Scanner)}";
        if (o.Scanner.HoneypotQuarantine < TimeSpan.Zero)
            failures.Add($"{sc}:{nameof(ScannerOptions.HoneypotQuarantine)} must not be negative.");
        // The scanner looks back through link fetches, which Retention:LinkHits keeps for at least an hour: a longer window would
        // read rows already pruned (and one of days would hold back every answer).
        if (o.Scanner.HoneypotQuarantine > MaxScannerWindow)
            failures.Add($"{sc}:{nameof(ScannerOptions.HoneypotQuarantine)} must be at most {MaxScannerWindow} (got {o.Scanner.HoneypotQuarantine}).");
        if (o.Scanner.MinimumAfterSend < TimeSpan.Zero || o.Scanner.MinimumAfterSend > MaxScannerWindow)
            failures.Add($"{sc}:{nameof(ScannerOptions.MinimumAfterSend)} must be between 00:00:00 and {MaxScannerWindow} (got {o.Scanner.MinimumAfterSend}).");
        if (o.Scanner.BurstWindow <= TimeSpan.Zero || o.Scanner.BurstWindow > MaxScannerWindow)
            failures.Add($"{sc}:{nameof(ScannerOptions.BurstWindow)} must be positive and at most {MaxScannerWindow} (got {o.Scanner.BurstWindow}).");
        if (o.Scanner.BurstAnswers is < 2 or > 5) failures.Add($"{sc}:{nameof(ScannerOptions.BurstAnswers)} must be in [2, 5].");
        if (o.Scanner.AutoSubmitDelay < TimeSpan.Zero || o.Scanner.AutoSubmitDelay > TimeSpan.FromSeconds(10))
            failures.Add($"{sc}:{nameof(ScannerOptions.AutoSubmitDelay)} must be between 0 and 10 seconds.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Positive(TimeSpan t, string key, TimeSpan? atMost = null)
        {
            if (t <= TimeSpan.Zero) failures.Add($"{s}:{key} must be positive (got {t}).");
            else if (t > atMost) failures.Add($"{s}:{key} must be at most {atMost.Value.TotalDays} days (got {t}).");
        }
    }
}
