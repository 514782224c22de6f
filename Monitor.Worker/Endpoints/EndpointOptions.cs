using Microsoft.Extensions.Options;

namespace Monitor.Worker.Endpoints;

/// <summary>The two listeners. Bound from <c>Endpoints</c>.</summary>
public sealed class EndpointOptions
{
    public const string Section = "Endpoints";

    /// <summary>What end users' browsers reach: pulse pages, answers, unsubscribe.</summary>
    public string Public { get; set; } = "http://127.0.0.1:8080";

    /// <summary>What IT reaches: /metrics, /healthz, /readyz and the admin API.</summary>
    public string Internal { get; set; } = "http://127.0.0.1:9464";

    public int PublicPort => new Uri(Public).Port;

    public int InternalPort => new Uri(Internal).Port;
}

/// <summary>The admin API's key. Bound from <c>Admin</c>.</summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";

    /// <summary>Bearer key of the admin API; when empty the admin API refuses every request.</summary>
    public string? ApiKey { get; set; }

    /// <summary>How far in the past a signal's <c>observedAt</c> may lie (older ones weigh nothing: the evaluation window).</summary>
    public TimeSpan MaxSignalAge { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How far in the future a signal's <c>observedAt</c> may lie (the sender's clock may run ahead).</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);
}

internal sealed class EndpointOptionsValidator : IValidateOptions<EndpointOptions>, IValidateOptions<AdminOptions>
{
    public ValidateOptionsResult Validate(string? name, EndpointOptions o)
    {
        var failures = new List<string>();
        var pub = Check(o.Public, nameof(o.Public), failures);
        var inner = Check(o.Internal, nameof(o.Internal), failures);
        if (pub is not null && inner is not null && pub.Port == inner.Port)
        {
            failures.Add($"{EndpointOptions.Section}:{nameof(o.Public)} and {EndpointOptions.Section}:{nameof(o.Internal)}"
                + $" must use different ports (both {pub.Port}).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public ValidateOptionsResult Validate(string? name, AdminOptions o)
    {
        var failures = new List<string>();
        // Spaces around the key could never match (the header value is trimmed) and a blank key is no secret.
        if (o.ApiKey is { Length: > 0 } key && (key.Trim().Length < 16 || key.Trim() != key))
        {
            failures.Add($"{AdminOptions.Section}:{nameof(o.ApiKey)} must be at least 16 characters without surrounding spaces " +
                         "(or empty to disable the admin API).");
        }
        if (o.MaxSignalAge <= TimeSpan.Zero || o.MaxSignalAge > TimeSpan.FromDays(3650))
            failures.Add($"{AdminOptions.Section}:{nameof(o.MaxSignalAge)} must be positive and at most 3650 days (got {o.MaxSignalAge}).");
        if (o.MaxClockSkew < TimeSpan.Zero || o.MaxClockSkew > TimeSpan.FromDays(1))
            failures.Add($"{AdminOptions.Section}:{nameof(o.MaxClockSkew)} must be between 0 and 1 day (got {o.MaxClockSkew}).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static Uri? Check(string value, string key, List<string> failures)
    {
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Port > 0 &&
            uri.AbsolutePath == "/")
        {
            return uri;
        }
        failures.Add(
            $"{EndpointOptions.Section}:{key} must be an http(s) URL with a port and no path, e.g. http://0.0.0.0:8080 (got '{value}').");
        return null;
    }
}
