using Microsoft.Extensions.Options;
using Monitor.Core.Groups;
using Monitor.Core.Privacy;
using Monitor.Worker.Exporter;

namespace Monitor.Worker.Privacy;

/// <summary>What the monitor shows of individuals, to whom, and for how long it keeps what they wrote. Bound from <c>Privacy</c>.</summary>
public sealed class PrivacyOptions
{
    public const string Section = "Privacy";

    /// <summary>
    /// <c>identified</c>, <c>pseudonymous</c> or <c>anonymous</c>. Unset means <c>identified</c>, or
    /// <c>pseudonymous</c> when the older <c>Metrics:PseudonymiseUsers</c> is true.
    /// </summary>
    public string? Mode { get; set; }

    /// <summary>The key of the user pseudonym (a keyed hash); at least 16 characters, secret and stable.</summary>
    public string? PseudonymKey { get; set; }

    /// <summary>A group's scores are shown only with at least this many distinct respondents.</summary>
    public int MinGroupSize { get; set; } = 5;

    /// <summary>Free-text comments appear in a group view only with at least this many distinct respondents.</summary>
    public int MinCommentGroupSize { get; set; } = 10;

    /// <summary>A signal's comment is blanked this long after it was observed; the signal itself stays.</summary>
    public TimeSpan CommentRetention { get; set; } = TimeSpan.FromDays(180);

    /// <summary>A visit's notes are blanked this long after the visit (when the <c>visits</c> table exists).</summary>
    public TimeSpan NoteRetention { get; set; } = TimeSpan.FromDays(365);

    /// <summary>The two group thresholds as the domain's disclosure rules take them.</summary>
    public PrivacyThresholds Thresholds => new(MinGroupSize, MinCommentGroupSize);
}

internal sealed class PrivacyOptionsValidator(IOptions<MetricsOptions> metrics) : IValidateOptions<PrivacyOptions>
{
    public const int MinimumKeyLength = 16;

    public ValidateOptionsResult Validate(string? name, PrivacyOptions o)
    {
        const string s = PrivacyOptions.Section;
        var failures = new List<string>();
        var m = metrics.Value;
        var mode = o.Mode is null ? (PrivacyMode?)null : PrivacyNotice.Parse(o.Mode);
        if (o.Mode is not null && mode is null)
            failures.Add($"{s}:{nameof(o.Mode)} must be identified, pseudonymous or anonymous (got '{o.Mode}').");
        if (m.PseudonymiseUsers && mode is PrivacyMode.Identified)
        {
            failures.Add($"{s}:{nameof(o.Mode)} is identified but {MetricsOptions.Section}:{nameof(m.PseudonymiseUsers)} is true: " +
                         $"remove {MetricsOptions.Section}:{nameof(m.PseudonymiseUsers)} (replaced by {s}:{nameof(o.Mode)}).");
        }
        if (PrivacyPolicy.EffectiveMode(o, m) == PrivacyMode.Pseudonymous &&
            (PrivacyPolicy.EffectiveKey(o, m)?.Trim().Length ?? 0) < MinimumKeyLength)
        {
            failures.Add($"{s}:{nameof(o.PseudonymKey)} must be at least {MinimumKeyLength} characters when {s}:{nameof(o.Mode)} " +
                         "is pseudonymous (the older Metrics:PseudonymKey is still read when it is unset).");
        }
        if (o.PseudonymKey is { Length: > 0 } k && k.Trim().Length < MinimumKeyLength)
            failures.Add($"{s}:{nameof(o.PseudonymKey)} must be at least {MinimumKeyLength} characters (got {k.Trim().Length} without surrounding spaces).");
        if (o.MinGroupSize is < 2 or > 1000)
            failures.Add($"{s}:{nameof(o.MinGroupSize)} must be between 2 and 1000 (got {o.MinGroupSize}).");
        if (o.MinCommentGroupSize < o.MinGroupSize || o.MinCommentGroupSize > 1000)
        {
            failures.Add($"{s}:{nameof(o.MinCommentGroupSize)} must be between {s}:{nameof(o.MinGroupSize)} ({o.MinGroupSize}) " +
                         $"and 1000 (got {o.MinCommentGroupSize}).");
        }
        // Ten years at most: the retention job's cut-off (now minus the age) must stay a date.
        if (o.CommentRetention < TimeSpan.FromDays(1) || o.CommentRetention > TimeSpan.FromDays(3650))
            failures.Add($"{s}:{nameof(o.CommentRetention)} must be at least 1.00:00:00 and at most 3650.00:00:00 (got {o.CommentRetention}).");
        if (o.NoteRetention < TimeSpan.FromDays(1) || o.NoteRetention > TimeSpan.FromDays(3650))
            failures.Add($"{s}:{nameof(o.NoteRetention)} must be at least 1.00:00:00 and at most 3650.00:00:00 (got {o.NoteRetention}).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
