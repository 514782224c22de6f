using System.Text.Json;
using Monitor.Core.Evaluation;
using Monitor.Worker.Exporter;

namespace Monitor.Worker.Endpoints;

/// <summary>
/// The admin API's checks of what a caller sends (issue 13, API details): each answers 400 with problem details
/// naming what is allowed, and counts the refusal under a fixed reason.
/// </summary>
public static class AdminInput
{
    /// <summary>The longest acknowledgement <c>by</c> (a person or a team) and <c>comment</c>, in characters.</summary>
    public const int MaxBy = 200;

    public const int MaxComment = 2000;

    private static readonly string AllowedStates =
        string.Join(", ", Enum.GetNames<SatisfactionState>().Select(n => n.ToLowerInvariant()));

    public static IResult? UnknownState(string? state) =>
        state is null || Enum.TryParse<SatisfactionState>(state, ignoreCase: true, out var s) && Enum.IsDefined(s) &&
        !int.TryParse(state, out _)
            ? null
            : Results.Problem(statusCode: 400, detail: $"state must be one of {AllowedStates}.");

    public static IResult? AcknowledgementTooLong(string by, string? comment)
    {
        if (by.Length > MaxBy) return Results.Problem(statusCode: 400, detail: $"by is {by.Length} characters long; at most {MaxBy}.");
        return comment?.Length > MaxComment
            ? Results.Problem(statusCode: 400, detail: $"comment is {comment.Length} characters long; at most {MaxComment}.")
            : null;
    }

    /// <summary>A signal observed before <c>Admin:MaxSignalAge</c> ago or after <c>Admin:MaxClockSkew</c> from now is refused.</summary>
    public static IResult? ObservedAtOutOfWindow(DateTimeOffset? observedAt, DateTimeOffset now, AdminOptions o)
    {
        if (ObservedAtProblem(observedAt, now, o) is not { } problem) return null;
        MonitorMetrics.SignalsRejected.WithLabels("observed_at_out_of_window").Inc();
        return Results.Problem(statusCode: 400, detail: problem);
    }

    /// <summary>Why <paramref name="observedAt"/> is refused, or null; also for each item of <c>POST /api/signals</c>.</summary>
    public static string? ObservedAtProblem(DateTimeOffset? observedAt, DateTimeOffset now, AdminOptions o) =>
        observedAt is { } at && (at < now - o.MaxSignalAge || at > now + o.MaxClockSkew)
            ? $"observedAt must lie between {now - o.MaxSignalAge:O} and {now + o.MaxClockSkew:O} " +
              "(Admin:MaxSignalAge before now, Admin:MaxClockSkew after)."
            : null;

    /// <summary>
    /// Reads a JSON body rather than binding it, so that malformed JSON or a value of the wrong type (a number written as
    /// a string: numbers are read strictly) gets a 400 that names the member: the framework's binder answers 400 and nothing more.
    /// <c>WrongType</c> says the content type was not JSON (the caller may answer 415 rather than 400).
    /// </summary>
    public static async Task<(T? Body, string? Error, bool WrongType)> ReadJsonAsync<T>(HttpRequest request, CancellationToken ct)
        where T : class
    {
        if (!request.HasJsonContentType()) return (null, "The body must be JSON (Content-Type: application/json).", true);
        try
        {
            var body = await request.ReadFromJsonAsync<T>(ct);
            return body is null ? (null, "The body is empty; expected a JSON object.", false) : (body, null, false);
        }
        catch (JsonException e)
        {
            return (null, JsonProblem(e), false);
        }
    }

    /// <summary>What is wrong in a body <see cref="JsonSerializer"/> refused, naming the member (<c>score</c>) where it can.</summary>
    public static string JsonProblem(JsonException e)
    {
        var member = e.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : null;
        // A value the reader took but the member's type does not (System.Text.Json's own words, not a parse error).
        if (member is not null && e.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal))
            return $"{member} is not valid: not of the type it takes (a number is written without quotes, a date as an ISO 8601 string).";
        var reason = e.Message.Split(" Path:")[0].Split(". LineNumber:")[0];
        return member is null ? $"The body is not valid: {reason}" : $"The body is not valid at {member}: {reason}";
    }

    /// <summary>
    /// An admin call the framework refuses before our code runs (a body that is not JSON, a wrong content type)
    /// gets an RFC 9457 problem-details body instead of an empty one. Only for callers past the admin key.
    /// </summary>
    public static IApplicationBuilder UseAdminProblemDetails(this IApplicationBuilder app) =>
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase), api => api.UseStatusCodePages());
}
