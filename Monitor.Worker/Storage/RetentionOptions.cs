using Microsoft.Extensions.Options;
using Monitor.Core.Evaluation;

namespace Monitor.Worker.Storage;

/// <summary>
/// How long the store keeps what would otherwise grow without bound. Bound from <c>Retention</c>; every
/// age is measured from the row's own time (started, sent, fetched, closed, changed, observed, removed).
/// </summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>How often the retention job runs.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Rows one DELETE removes at most: short statements keep the writers (and SQLite's one writer) moving.</summary>
    public int BatchSize { get; set; } = 5000;

    /// <summary>Job and probe runs (read on every metrics refresh). Each job's latest run and latest success stay.</summary>
    public TimeSpan JobRuns { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Outbox messages after they were sent. Unsent messages stay: they are the backlog.</summary>
    public TimeSpan SentOutbox { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Fetches of pulse answer links (the scanner check looks back seconds; a day is kept for diagnosis).</summary>
    public TimeSpan LinkHits { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Pulses after they closed (expired). Open pulses stay.</summary>
    public TimeSpan ClosedPulses { get; set; } = TimeSpan.FromDays(180);

    /// <summary>The state-change log (<c>GET /api/state-changes</c>, a user's history).</summary>
    public TimeSpan StateChanges { get; set; } = TimeSpan.FromDays(365);

    /// <summary>Signals by when they were observed; at least <c>Evaluation:Window</c>, which the evaluator reads.</summary>
    public TimeSpan Signals { get; set; } = TimeSpan.FromDays(365);

    /// <summary>Users who left the directory: their directory record, state and acknowledgement.</summary>
    public TimeSpan RemovedUsers { get; set; } = TimeSpan.FromDays(90);
}

internal sealed class RetentionOptionsValidator(IOptions<EvaluationOptions> evaluation) : IValidateOptions<RetentionOptions>
{
    // The pulse probe's response ratio reads 30 days of pulses.
    private static readonly TimeSpan MinimumClosedPulses = TimeSpan.FromDays(30);

    private static readonly TimeSpan MaximumAge = TimeSpan.FromDays(3650);

    public ValidateOptionsResult Validate(string? name, RetentionOptions o)
    {
        const string s = RetentionOptions.Section;
        var failures = new List<string>();
        if (o.Interval < TimeSpan.FromMinutes(1) || o.Interval > TimeSpan.FromDays(1))
            failures.Add($"{s}:{nameof(o.Interval)} must be between 00:01:00 and 1.00:00:00 (got {o.Interval}).");
        if (o.BatchSize is < 100 or > 100_000)
            failures.Add($"{s}:{nameof(o.BatchSize)} must be between 100 and 100000 (got {o.BatchSize}).");
        AtLeast(failures, nameof(o.JobRuns), o.JobRuns, TimeSpan.FromHours(1));
        AtLeast(failures, nameof(o.SentOutbox), o.SentOutbox, TimeSpan.FromHours(1));
        AtLeast(failures, nameof(o.LinkHits), o.LinkHits, TimeSpan.FromHours(1));
        AtLeast(failures, nameof(o.ClosedPulses), o.ClosedPulses, MinimumClosedPulses, " (the period of the pulse response ratio)");
        AtLeast(failures, nameof(o.StateChanges), o.StateChanges, TimeSpan.FromDays(1));
        AtLeast(failures, nameof(o.RemovedUsers), o.RemovedUsers, TimeSpan.FromDays(1));
        var window = evaluation.Value.Window;
        if (o.Signals > MaximumAge)
            failures.Add($"{s}:{nameof(o.Signals)} must be at most {MaximumAge} (got {o.Signals}).");
        else if (o.Signals < window)
        {
            failures.Add($"{s}:{nameof(o.Signals)} must be at least {EvaluationOptions.Section}:{nameof(EvaluationOptions.Window)} " +
                         $"({window}), or the evaluator would lose signals it reads (got {o.Signals}).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void AtLeast(List<string> failures, string key, TimeSpan value, TimeSpan minimum, string why = "")
    {
        if (value < minimum) failures.Add($"{RetentionOptions.Section}:{key} must be at least {minimum}{why} (got {value}).");
        // Ten years at most: the cut-off (now minus the age) must stay a date.
        else if (value > MaximumAge) failures.Add($"{RetentionOptions.Section}:{key} must be at most {MaximumAge} (got {value}).");
    }
}
