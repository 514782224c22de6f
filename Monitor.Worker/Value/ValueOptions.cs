using Microsoft.Extensions.Options;

namespace Monitor.Worker.Value;

/// <summary>How the answers to the <c>value</c> question set are measured. Bound from <c>Value</c>.</summary>
public sealed class ValueOptions
{
    public const string Section = "Value";

    /// <summary>Answers older than this are not counted; each person's latest answer per dimension in it counts once.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromDays(90);
}

internal sealed class ValueOptionsValidator : IValidateOptions<ValueOptions>
{
    public ValidateOptionsResult Validate(string? name, ValueOptions o)
    {
        var failures = new List<string>();
        if (o.Window < TimeSpan.FromDays(1) || o.Window > TimeSpan.FromDays(730))
            failures.Add($"{ValueOptions.Section}:{nameof(o.Window)} must be between 1.00:00:00 and 730.00:00:00 (got {o.Window}).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
