using Microsoft.Extensions.Options;

namespace Monitor.Worker.Exporter;

/// <summary>How user states become series. Bound from <c>Metrics</c>.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>How often the exported series are brought up to date with the store.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often the group figures are published again. They change more slowly by design (a change waits until
    /// enough people changed, docs/privacy.md), and checking a release against every earlier one costs seconds at
    /// 100,000 users, so they are not recomputed on every refresh.
    /// </summary>
    public TimeSpan GroupRefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A group's score is exported only when at least this many distinct users have a score.</summary>
    public int GroupMinimumUsers { get; set; } = 5;

    /// <summary>Replace the <c>user</c> label with a keyed hash of the user id.</summary>
    public bool PseudonymiseUsers { get; set; }

    /// <summary>The key of that hash; required when pseudonymising (keep it secret and stable).</summary>
    public string? PseudonymKey { get; set; }
}

internal sealed class MetricsOptionsValidator : IValidateOptions<MetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsOptions o)
    {
        var failures = new List<string>();
        const string s = MetricsOptions.Section;
        if (o.RefreshInterval < TimeSpan.FromSeconds(1) || o.RefreshInterval > TimeSpan.FromMinutes(10))
            failures.Add($"{s}:{nameof(o.RefreshInterval)} must be between 00:00:01 and 00:10:00 (got {o.RefreshInterval}).");
        if (o.GroupRefreshInterval < o.RefreshInterval || o.GroupRefreshInterval > TimeSpan.FromHours(1))
            failures.Add($"{s}:{nameof(o.GroupRefreshInterval)} must be between {s}:{nameof(o.RefreshInterval)} and 01:00:00 " +
                         $"(got {o.GroupRefreshInterval}).");
        if (o.GroupMinimumUsers < 1)
            failures.Add($"{s}:{nameof(o.GroupMinimumUsers)} must be at least 1 (got {o.GroupMinimumUsers}).");
        if (o.PseudonymiseUsers && (o.PseudonymKey?.Length ?? 0) < 16)
            failures.Add($"{s}:{nameof(o.PseudonymKey)} must be at least 16 characters when {s}:{nameof(o.PseudonymiseUsers)} is true.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
