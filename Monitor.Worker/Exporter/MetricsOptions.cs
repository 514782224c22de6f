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

    /// <summary>
    /// Retired: the one group threshold is <c>Privacy:MinGroupSize</c>. Bound only so that a worker still configured
    /// with it stops at start (exit 2) instead of silently ignoring a threshold someone meant to set.
    /// </summary>
    public int? GroupMinimumUsers { get; set; }

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
        if (o.GroupMinimumUsers is not null)
            failures.Add($"{s}:{nameof(o.GroupMinimumUsers)} is retired: use Privacy:MinGroupSize, the one group threshold " +
                         "(scores, visits, value, feedback and lost time).");
        if (o.PseudonymiseUsers && (o.PseudonymKey?.Trim().Length ?? 0) < 16)
            failures.Add($"{s}:{nameof(o.PseudonymKey)} must be at least 16 characters when {s}:{nameof(o.PseudonymiseUsers)} is true.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
