using System.Globalization;
using Monitor.Probes.Pulse;
using Monitor.Worker.Pulse;
using Monitor.Worker.StaffConsole;

namespace Monitor.Worker.Storage;

/// <summary>
/// One place that turns "the store is unavailable" (<see cref="StoreFaults.IsUnavailable"/>) into an answer a
/// client can act on: 503 with <c>Retry-After</c>; problem details for API clients, a page in the console's layout for
/// IT staff whose browser asks the console for HTML, and for a person who clicked a pulse link a page in their browser's
/// language saying the answer was not saved and to click again.
/// Counted by surface, and logged as one line at most every few seconds (an outage is thousands of requests).
/// A value PostgreSQL cannot store (U+0000) is the sender's fault: 400 with problem details, one log line.
/// Other exceptions pass through untouched.
/// </summary>
public sealed class StoreOutageMiddleware(RequestDelegate next, ILogger<StoreOutageMiddleware> logger)
{
    private readonly LogThrottle _throttle = new(TimeSpan.FromSeconds(10));

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception e) when (StoreFaults.IsUnavailable(e) && !context.Response.HasStarted)
        {
            var surface = Surface(context.Request.Path);
            StoreFaults.Unavailable.WithLabels(surface).Inc();
            Log(surface, e);
            context.Response.Clear();
            context.Response.Headers.RetryAfter = ((int)StoreFaults.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            context.Response.Headers.CacheControl = "no-store";
            var result = surface == "pulse" ? PulsePage(context)
                : surface == "console" && WantsHtml(context.Request) ? ConsolePage(context.Request)
                : Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The store is unavailable",
                    detail: "Nothing was saved. The database cannot be reached or written at the moment; " +
                            $"try again in {StoreFaults.RetryAfter.TotalSeconds:0} seconds.");
            await result.ExecuteAsync(context);
        }
        catch (Exception e) when (StoreFaults.IsUnstorableValue(e) && !context.Response.HasStarted)
        {
            // Not an outage and not a bug: a value PostgreSQL cannot hold (U+0000). One line, no stack trace, no value.
            logger.LogWarning("Request on {Surface} refused: {Reason}", Surface(context.Request.Path), StoreFaults.Reason(e));
            context.Response.Clear();
            await Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "A value cannot be stored",
                detail: "Nothing was saved: a value holds the character U+0000 (NUL), which the database cannot store.")
                .ExecuteAsync(context);
        }
    }

    /// <summary>Which surface a request belongs to, from a fixed list (never the path itself: tokens live in it).</summary>
    public static string Surface(PathString path) =>
        path.StartsWithSegments("/p") || path.StartsWithSegments("/u") ? "pulse"
        : path.StartsWithSegments("/api") ? "api"
        : path.StartsWithSegments("/console") ? "console"
        : "other";

    private void Log(string surface, Exception e)
    {
        if (!_throttle.Due(out var missed)) return;
        logger.LogWarning("Store unavailable: {Count} request(s) answered 503 since the last report, the latest on {Surface} ({Reason})",
            missed, surface, StoreFaults.Reason(e));
    }

    // A browser navigating the console asks for text/html; a script or API client asking for JSON (or for anything, */*)
    // keeps problem details, which it can parse.
    internal static bool WantsHtml(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase) &&
                                                  (a.Quality ?? 1) > 0);

    // The form a person posted is lost with the failed request: the link leads back to a page they can retry from.
    private static IResult ConsolePage(HttpRequest request)
    {
        var back = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)
            ? request.PathBase + request.Path + request.QueryString
            : request.PathBase + "/console/";
        return ConsolePages.Message(StatusCodes.Status503ServiceUnavailable, "The store is unavailable",
            "The database cannot be reached or written at the moment, so nothing was saved. " +
            $"Try again in {StoreFaults.RetryAfter.TotalSeconds:0} seconds; if you were sending a form, fill it in again.",
            back, "Try again");
    }

    // The person's directory language would need the store: the browser's is the best guess left.
    private static IResult PulsePage(HttpContext context)
    {
        var texts = context.RequestServices.GetService<PulseTexts>() ?? PulseTexts.Default;
        var language = PulseLanguage.English;
        foreach (var tag in context.Request.GetTypedHeaders().AcceptLanguage.OrderByDescending(l => l.Quality ?? 1))
        {
            var candidate = PulseTexts.Language(tag.Value.Value);
            if (candidate != PulseLanguage.English || tag.Value.Value?.StartsWith("en", StringComparison.OrdinalIgnoreCase) == true)
            {
                language = candidate;
                break;
            }
        }
        var w = new PageWords(texts, language);
        return PulsePages.Message(w, StatusCodes.Status503ServiceUnavailable, w["Page.Unavailable.Title"], w["Page.Unavailable.Text"]);
    }
}

/// <summary>Registration of <see cref="StoreOutageMiddleware"/>.</summary>
public static class StoreOutageExtensions
{
    /// <summary>Early in the pipeline, so that every endpoint's store failure is mapped the same way.</summary>
    public static IApplicationBuilder UseStoreOutage(this IApplicationBuilder app) => app.UseMiddleware<StoreOutageMiddleware>();
}
