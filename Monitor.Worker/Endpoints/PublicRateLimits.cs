using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Monitor.Probes;
using Monitor.Probes.Pulse;
using Prometheus;

namespace Monitor.Worker.Endpoints;

/// <summary>
/// ASP.NET Core's rate limiter on the public listener only: a fixed window per client address, then one per pulse
/// token named in the path that this worker signed (so leaked links cannot be hammered from many clients; a forged
/// token is only a 404 and gets no partition of its own). Endpoints of the
/// internal listener, /metrics included, get no limiter. A refusal is 429 with <c>Retry-After</c>, counted in
/// <c>satisfaction_public_requests_refused_total{reason}</c> and logged at most once a minute.
/// </summary>
public static class PublicRateLimits
{
    // The same series as PublicFormErrors: prometheus-net hands back the registered counter for an equal definition.
    private static Counter Refused => PublicFormErrors.Refused;

    public const string ClientLimited = "rate_limited_client";
    public const string TokenLimited = "rate_limited_token";
    private const string NoLimit = "";
    private static readonly TimeSpan LogInterval = TimeSpan.FromMinutes(1);
    private static long _lastLogged = long.MinValue;
    private static long _unlogged;

    /// <summary>Registers <see cref="RateLimitOptions"/> (validated at start-up) and the global limiter.</summary>
    public static IServiceCollection AddPublicRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<RateLimitOptions, RateLimitOptionsValidator>(configuration, RateLimitOptions.Section);
        // Both series exist from the start, so a rate() over them works before the first refusal.
        Refused.WithLabels(ClientLimited);
        Refused.WithLabels(TokenLimited);
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>, IOptions<EndpointOptions>>(
            (limiter, limits, endpoints) =>
            {
                var o = limits.Value;
                var internalPort = endpoints.Value.InternalPort;
                limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
                limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                    new Tagged(PartitionedRateLimiter.Create<HttpContext, string>(c => Window(
                        IsPublic(c, internalPort) ? c.Connection.RemoteIpAddress?.ToString() ?? "unknown" : NoLimit,
                        o.ClientPermits, o.ClientWindow)), ClientLimited),
                    new Tagged(PartitionedRateLimiter.Create<HttpContext, string>(c => Window(
                        IsPublic(c, internalPort) ? SignedToken(c) ?? NoLimit : NoLimit,
                        o.TokenPermits, o.TokenWindow)), TokenLimited));
                limiter.OnRejected = OnRejectedAsync;
            });
        return services;
    }

    /// <summary>The count for one reason (tests).</summary>
    public static double Count(string reason) => Refused.WithLabels(reason).Value;

    private static bool IsPublic(HttpContext c, int internalPort) =>
        c.Connection.LocalPort != internalPort &&
        c.GetEndpoint()?.Metadata.GetMetadata<ListenerMetadata>()?.Listener == Listener.Public;

    // Only a token this worker signed (expired or not) gets a partition of its own. A forged one is answered 404 at any
    // rate and stays under its client's limit; a partition per forged token (the path's up to 8 KB, kept a window
    // long) let a flood from a few hundred addresses hold about 100 MB for every 6,000 requests.
    private static string? SignedToken(HttpContext c) =>
        c.GetRouteValue("token") is string { Length: > 0 } token &&
        c.RequestServices.GetRequiredService<IOptions<PulseOptions>>().Value.CanSign &&
        c.RequestServices.GetRequiredService<PulseTokenCodec>()
            .Verify(token, c.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow(), out _) != TokenVerdict.Malformed
            ? token
            : null;

    private static RateLimitPartition<string> Window(string key, int permits, TimeSpan window) =>
        key.Length == 0
            ? RateLimitPartition.GetNoLimiter(NoLimit)
            : RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permits, Window = window, QueueLimit = 0, AutoReplenishment = true,
            });

    private static ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var context = rejected.HttpContext;
        var reason = context.Items[typeof(PublicRateLimits)] as string ?? ClientLimited;
        Refused.WithLabels(reason).Inc();
        if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry))
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        LogThrottled(context, reason);
        return ValueTask.CompletedTask;
    }

    // A flood must not become a flood of log lines: one line per interval, with how many refusals it covers.
    private static void LogThrottled(HttpContext context, string reason)
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastLogged);
        var unlogged = Interlocked.Increment(ref _unlogged);
        if (last != long.MinValue && now - last < (long)LogInterval.TotalMilliseconds) return;
        if (Interlocked.CompareExchange(ref _lastLogged, now, last) != last) return;
        Interlocked.Add(ref _unlogged, -unlogged);
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PublicRateLimits))
            .LogWarning(
                "Public listener refused {Count} request(s) over a rate limit in the last {Interval}, the latest {Reason} on {Route}",
                unlogged, LogInterval, reason, (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText);
    }

    /// <summary>Notes in the request which of the chained limiters refused it, for the <c>reason</c> label.</summary>
    private sealed class Tagged(PartitionedRateLimiter<HttpContext> inner, string reason) : PartitionedRateLimiter<HttpContext>
    {
        public override RateLimiterStatistics? GetStatistics(HttpContext resource) => inner.GetStatistics(resource);

        protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount) =>
            Tag(resource, inner.AttemptAcquire(resource, permitCount));

        protected override async ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount,
            CancellationToken cancellationToken) =>
            Tag(resource, await inner.AcquireAsync(resource, permitCount, cancellationToken));

        private RateLimitLease Tag(HttpContext resource, RateLimitLease lease)
        {
            if (!lease.IsAcquired) resource.Items[typeof(PublicRateLimits)] = reason;
            return lease;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
