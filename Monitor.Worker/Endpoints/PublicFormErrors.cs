using Prometheus;

namespace Monitor.Worker.Endpoints;

/// <summary>
/// A form nobody can read (malformed multipart, a value over the limit, more than 1,024 fields, an over-long key, a
/// charset .NET refuses to decode such as UTF-7) is the sender's fault: 400, one log line and a count, instead of a 500
/// with a stack trace. Anyone can post to the public listener without a token, so this must cost as little as possible.
/// A JSON body of the admin API in such a charset gets 415 with problem details and one log line.
/// </summary>
public static class PublicFormErrors
{
    /// <summary>One counter for every refusal on the public listener (malformed forms here, rate limits beside).</summary>
    internal static readonly Counter Refused = Metrics.CreateCounter("satisfaction_public_requests_refused_total",
        "Requests to the public listener refused before any handling, by reason.", "reason");

    public const string MalformedForm = "malformed_form";

    /// <summary>The count for one reason (tests).</summary>
    public static double Count(string reason) => Refused.WithLabels(reason).Value;

    public static IApplicationBuilder UsePublicFormErrors(this IApplicationBuilder app)
    {
        Refused.WithLabels(MalformedForm);
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PublicFormErrors));
        return app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            // A JSON body in a charset the framework will not decode (charset=utf-7): the caller's fault, not ours.
            catch (InvalidOperationException e) when (e.InnerException is NotSupportedException && context.Request.HasJsonContentType() &&
                                                      !context.Response.HasStarted)
            {
                logger.LogWarning("JSON body refused on {Route}: {Reason}",
                    (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText, Monitor.Core.LogSafe.Value(e.Message));
                context.Response.Clear();
                await Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType,
                    detail: "The body's charset is not supported; send UTF-8.").ExecuteAsync(context);
            }
            // A multipart body cut short surfaces as a plain IOException, a charset such as UTF-7 as NotSupportedException;
            // a client that went away is excluded below.
            catch (Exception e) when ((e is InvalidDataException or BadHttpRequestException ||
                                       e is IOException or NotSupportedException && context.Request.HasFormContentType) &&
                                      !context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
            {
                Refused.WithLabels(MalformedForm).Inc();
                // The message is the framework's own (no request content); the route, not the path, which may hold a token.
                logger.LogWarning("Form refused on {Route}: {Reason}",
                    (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText, e.Message);
                context.Response.Clear();
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync("The form could not be read.", CancellationToken.None);
            }
        });
    }
}
