using Microsoft.Extensions.Options;
using Monitor.Core.Groups;

namespace Monitor.Worker.Objectives;

/// <summary>
/// Experience objectives (docs/objectives.md): the share of users not down a group is held to. Bound from
/// <c>Objectives</c>; <c>Departments</c> and <c>Sites</c> override <c>Target</c> for one group each. The rolling
/// window (30 days) is the recording rules' (prometheus/rules/objectives.rules.yml); the report takes calendar months.
/// </summary>
public sealed class ObjectivesOptions
{
    public const string Section = "Objectives";

    /// <summary>The share of eligible user-time not down that a group is held to, above 0 and below 1.</summary>
    public double Target { get; set; } = 0.90;

    /// <summary>A target per department name, instead of <see cref="Target"/>.</summary>
    public Dictionary<string, double> Departments { get; set; } = new(StringComparer.Ordinal);

    /// <summary>A target per site name, instead of <see cref="Target"/>.</summary>
    public Dictionary<string, double> Sites { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The target of a group (<paramref name="groupType"/> is <c>department</c> or <c>site</c>).</summary>
    public double TargetFor(string groupType, string group) =>
        (groupType == GroupRollup.Site ? Sites : Departments).TryGetValue(group, out var t) ? t : Target;
}

internal sealed class ObjectivesOptionsValidator : IValidateOptions<ObjectivesOptions>
{
    public ValidateOptionsResult Validate(string? name, ObjectivesOptions o)
    {
        const string s = ObjectivesOptions.Section;
        var failures = new List<string>();
        Check($"{s}:{nameof(o.Target)}", o.Target);
        foreach (var (group, target) in o.Departments) Check($"{s}:{nameof(o.Departments)}:{group}", target);
        foreach (var (group, target) in o.Sites) Check($"{s}:{nameof(o.Sites)}:{group}", target);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        // A target of 1 leaves no error budget (every burn rate divides by it); 0 promises nothing.
        void Check(string key, double target)
        {
            if (key.EndsWith(':')) failures.Add($"{key} has no group name (e.g. {s}:Sites:Paris).");
            if (double.IsNaN(target) || target is <= 0 or >= 1) failures.Add($"{key} must be above 0 and below 1 (got {target}).");
        }
    }
}
