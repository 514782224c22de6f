using Microsoft.Extensions.Options;

namespace Monitor.Probes.Tickets;

/// <summary>
/// Settings every ticket connector shares, bound from <c>Tickets:&lt;System&gt;</c>. Each system's options class
/// (next to its connector) adds its credentials and declares them through <see cref="Credentials"/>.
/// </summary>
public abstract class TicketSystemOptions
{
    public bool Enabled { get; set; }

    /// <summary>The system's root URL, e.g. <c>https://example.atlassian.net</c>.</summary>
    public string BaseUrl { get; set; } = "";

    /// <summary>Quartz cron expression for the probe; every 10 minutes by default.</summary>
    public string Schedule { get; set; } = "0 0/10 * * * ?";

    public int PageSize { get; set; } = 50;

    /// <summary>Longest wait honoured from a <c>Retry-After</c> header; longer asks are cut to this.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public int MaxRetryAttempts { get; set; } = 4;

    /// <summary>First back-off delay; later ones grow exponentially, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Client-side rate limit, so that one run never trips the system's own limit.</summary>
    public int RequestsPerSecond { get; set; } = 5;

    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How far before the watermark each run starts reading again: some systems filter on minutes or seconds and
    /// commit updates late. Re-read tickets are harmless because signals are deduplicated on their source.
    /// </summary>
    public TimeSpan Overlap { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How far back the very first run reads, when there is no watermark yet.</summary>
    public TimeSpan InitialLookback { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Comments whose sentiment confidence is below this say nothing and give no signal.</summary>
    public double MinimumSentimentConfidence { get; set; } = 0.05;

    /// <summary>The system's largest page size.</summary>
    protected internal virtual int MaxPageSize => 100;

    /// <summary>Credential settings by key name (e.g. <c>ApiToken</c>); each is required when enabled.</summary>
    protected internal abstract IEnumerable<(string Key, string? Value)> Credentials { get; }

    /// <summary>A system's own checks of its own settings: (key under the section, problem), none by default.</summary>
    protected internal virtual IEnumerable<(string Key, string Problem)> Problems() => [];
}

/// <summary>
/// Validates one system's options on start, only when it is enabled, collecting every failure with the full
/// configuration key in each message.
/// </summary>
public sealed class TicketSystemOptionsValidator<TOptions>(string sectionPath) : IValidateOptions<TOptions>
    where TOptions : TicketSystemOptions
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        if (!options.Enabled) return ValidateOptionsResult.Success;
        var failures = new List<string>();
        void Check(bool ok, string key, string problem)
        {
            if (!ok) failures.Add($"{sectionPath}:{key} {problem}");
        }

        // API paths are appended to it: a query or a fragment would swallow them.
        Check(Uri.TryCreate(options.BaseUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" &&
              url.Query.Length == 0 && url.Fragment.Length == 0,
            nameof(options.BaseUrl), "must be an absolute http(s) URL without a query or a fragment");
        foreach (var (key, value) in options.Credentials)
            Check(!string.IsNullOrWhiteSpace(value), key, "is required");
        Check(CronSchedule.IsValid(options.Schedule), nameof(options.Schedule),
            $"'{options.Schedule}' is not a valid Quartz cron expression that fires");
        Check(options.PageSize >= 1 && options.PageSize <= options.MaxPageSize, nameof(options.PageSize),
            $"must be between 1 and {options.MaxPageSize}");
        Check(options.MaxRetryAfter > TimeSpan.Zero && options.MaxRetryAfter <= TimeSpan.FromHours(1),
            nameof(options.MaxRetryAfter), "must be more than 0 and at most 01:00:00");
        // Upper bounds keep each wait within what timers and HTTP clients take, and dates from overflowing.
        Check(options.AttemptTimeout > TimeSpan.Zero && options.AttemptTimeout <= TimeSpan.FromMinutes(10),
            nameof(options.AttemptTimeout), "must be more than 0 and at most 00:10:00");
        Check(options.MaxRetryAttempts is >= 0 and <= 10, nameof(options.MaxRetryAttempts), "must be between 0 and 10");
        Check(options.RetryBaseDelay > TimeSpan.Zero && options.RetryBaseDelay <= TimeSpan.FromMinutes(10),
            nameof(options.RetryBaseDelay), "must be more than 0 and at most 00:10:00");
        Check(options.RequestsPerSecond >= 1, nameof(options.RequestsPerSecond), "must be at least 1");
        Check(options.CircuitBreakDuration >= TimeSpan.FromMilliseconds(500) && options.CircuitBreakDuration <= TimeSpan.FromDays(1),
            nameof(options.CircuitBreakDuration), "must be between 00:00:00.5 and 1.00:00:00");
        Check(options.Overlap >= TimeSpan.Zero && options.Overlap <= TimeSpan.FromDays(1), nameof(options.Overlap),
            "must be between 00:00:00 and 1.00:00:00");
        Check(options.InitialLookback > TimeSpan.Zero && options.InitialLookback <= TimeSpan.FromDays(3650),
            nameof(options.InitialLookback), "must be more than 0 and at most 3650.00:00:00");
        Check(options.MinimumSentimentConfidence is >= 0 and <= 1, nameof(options.MinimumSentimentConfidence),
            "must be between 0 and 1");
        foreach (var (key, problem) in options.Problems()) Check(false, key, problem);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
