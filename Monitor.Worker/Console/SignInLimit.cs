using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Monitor.Worker.StaffConsole;

/// <summary>
/// ASP.NET Core's rate limiter on the local account's sign-in form (the one limit of the internal listener): each client
/// address may post it <see cref="Permits"/> times per <see cref="Window"/>, then gets 429 with <c>Retry-After</c>.
/// Unlimited, one address tried about 400 passwords a second against a configured password, and each guess against a
/// stored hash costs a PBKDF2 run. Every wrong password is still logged, so the attempts that pass are seen.
/// </summary>
public sealed class SignInLimit : IRateLimiterPolicy<string>
{
    public const string Policy = "console-sign-in";
    public const int Permits = 20;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = async (rejected, ct) =>
    {
        var retry = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : Window;
        var seconds = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds));
        rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await ConsolePages.Message(StatusCodes.Status429TooManyRequests, "Too many sign-in attempts",
            $"Try again in {seconds} seconds.", "/console/sign-in").ExecuteAsync(rejected.HttpContext);
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
        RateLimitPartition.GetFixedWindowLimiter(httpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = Permits, Window = Window, QueueLimit = 0, AutoReplenishment = true });
}
