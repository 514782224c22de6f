using Microsoft.Extensions.Options;

namespace Monitor.Worker.Endpoints;

/// <summary>
/// Fixed-window limits on the public listener (docs/operations.md, "Rate limits"). Bound from <c>RateLimits</c>.
/// The internal listener (admin API, console, /metrics) is never limited. Requests over a limit are refused at once
/// (no queue) with 429 and <c>Retry-After</c>.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Requests one client address may make per <see cref="ClientWindow"/>.</summary>
    public int ClientPermits { get; set; } = 30;

    /// <summary>The window of <see cref="ClientPermits"/>.</summary>
    public TimeSpan ClientWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Requests naming one pulse token (in the path) per <see cref="TokenWindow"/>, from any client.</summary>
    public int TokenPermits { get; set; } = 10;

    /// <summary>The window of <see cref="TokenPermits"/>.</summary>
    public TimeSpan TokenWindow { get; set; } = TimeSpan.FromMinutes(1);
}

internal sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    private static readonly TimeSpan MinWindow = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxWindow = TimeSpan.FromHours(1);

    public ValidateOptionsResult Validate(string? name, RateLimitOptions o)
    {
        var failures = new List<string>();
        Permits(failures, nameof(o.ClientPermits), o.ClientPermits);
        Window(failures, nameof(o.ClientWindow), o.ClientWindow);
        Permits(failures, nameof(o.TokenPermits), o.TokenPermits);
        Window(failures, nameof(o.TokenWindow), o.TokenWindow);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Permits(List<string> failures, string key, int value)
    {
        if (value is < 1 or > 100_000)
            failures.Add($"{RateLimitOptions.Section}:{key} must be between 1 and 100000 (got {value}).");
    }

    private static void Window(List<string> failures, string key, TimeSpan value)
    {
        if (value < MinWindow || value > MaxWindow)
            failures.Add($"{RateLimitOptions.Section}:{key} must be between {MinWindow} and {MaxWindow} (got {value}).");
    }
}
