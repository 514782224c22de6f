using Microsoft.Extensions.Options;

namespace Monitor.Worker.Downtime;

/// <summary>Scheduled downtime (docs/downtime.md): how long one may last, what counts as long leave, how long ended ones stay.</summary>
public sealed class DowntimeOptions
{
    public const string Section = "Downtime";

    /// <summary>The longest downtime (from its start to its end, recurring ones included): nobody is forgotten for good.</summary>
    public TimeSpan MaxLength { get; set; } = TimeSpan.FromDays(366);

    /// <summary>A one-off absence of named people at least this many days long is long leave: left out of group figures.</summary>
    public int LongLeaveDays { get; set; } = 28;

    /// <summary>How long an ended downtime is kept (experience objectives and monthly reports read past downtime).</summary>
    public TimeSpan KeepEnded { get; set; } = TimeSpan.FromDays(400);

    public TimeSpan LongLeave => TimeSpan.FromDays(LongLeaveDays);
}

internal sealed class DowntimeOptionsValidator : IValidateOptions<DowntimeOptions>
{
    public ValidateOptionsResult Validate(string? name, DowntimeOptions o)
    {
        const string s = DowntimeOptions.Section;
        var failures = new List<string>();
        if (o.MaxLength < TimeSpan.FromHours(1) || o.MaxLength > TimeSpan.FromDays(3660))
            failures.Add($"{s}:{nameof(o.MaxLength)} must be between 01:00:00 and 3660.00:00:00 (got {o.MaxLength}).");
        if (o.LongLeaveDays is < 1 or > 3660)
            failures.Add($"{s}:{nameof(o.LongLeaveDays)} must be between 1 and 3660 (got {o.LongLeaveDays}).");
        if (o.KeepEnded < TimeSpan.FromDays(1) || o.KeepEnded > TimeSpan.FromDays(3660))
            failures.Add($"{s}:{nameof(o.KeepEnded)} must be between 1.00:00:00 and 3660.00:00:00 (got {o.KeepEnded}).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
