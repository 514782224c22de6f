using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Monitor.Probes.Tickets;

/// <summary>
/// The Polly pipeline every connector wraps its HTTP calls in, built once per connector so that the circuit
/// breaker and the rate limiter see all of that system's traffic. Outer to inner: retry, circuit breaker,
/// rate limiter (each attempt waits for a permit), attempt timeout.
/// </summary>
public static class TicketResilience
{
    public static ResiliencePipeline<HttpResponseMessage> Build(TicketSystemOptions options, TimeProvider? timeProvider = null)
    {
        var transient = new PredicateBuilder<HttpResponseMessage>()
            .Handle<HttpRequestException>()
            .Handle<TimeoutRejectedException>()
            .HandleResult(IsTransient);
        var limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.RequestsPerSecond,
            TokensPerPeriod = options.RequestsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 10_000,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (timeProvider is not null) builder.TimeProvider = timeProvider;
        return builder
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                // Polly needs at least one attempt configured; MaxRetryAttempts = 0 switches retrying off instead.
                ShouldHandle = options.MaxRetryAttempts == 0 ? _ => ValueTask.FromResult(false) : transient,
                MaxRetryAttempts = Math.Max(options.MaxRetryAttempts, 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.MaxRetryAfter,
                // Polly's MaxDelay does not cap generated delays, so the Retry-After cap is applied here.
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, options.MaxRetryAfter, timeProvider)),
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = transient,
                FailureRatio = 0.5,
                MinimumThroughput = 10,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = options.CircuitBreakDuration,
            })
            .AddRateLimiter(limiter)
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }

    private static bool IsTransient(HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout
        || (int)response.StatusCode >= 500;

    /// <summary>
    /// The wait a 429 or 503 asks for, capped; null lets the exponential back-off decide. <c>Retry-After</c> (seconds or an
    /// HTTP date) first; without it the reset of the window the vendor documents: Zendesk's <c>ratelimit-reset</c> (seconds,
    /// developer.zendesk.com "Best practices for avoiding rate limiting"), Jira Cloud's <c>X-RateLimit-Reset</c> (an ISO 8601
    /// time, <c>yyyy-MM-ddTHH:mmZ</c>, developer.atlassian.com "Rate limiting").
    /// </summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeSpan cap, TimeProvider? timeProvider)
    {
        if (response is null || response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable))
            return null;
        var now = (timeProvider ?? TimeProvider.System).GetUtcNow();
        var header = response.Headers.RetryAfter;
        TimeSpan? wait = header?.Delta ?? (header?.Date is { } date ? date - now : (TimeSpan?)null) ?? WindowReset(response, now);
        if (wait is null) return null;
        if (wait < TimeSpan.Zero) return TimeSpan.Zero;
        return wait > cap ? cap : wait;
    }

    private static TimeSpan? WindowReset(HttpResponseMessage response, DateTimeOffset now)
    {
        if (Header(response, "ratelimit-reset") is { } seconds
            && int.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var delta))
            return TimeSpan.FromSeconds(delta);
        if (Header(response, "X-RateLimit-Reset") is { } reset && !reset.All(char.IsAsciiDigit)
            && DateTimeOffset.TryParse(reset, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            return at - now;
        return null;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault()?.Trim() : null;
}
