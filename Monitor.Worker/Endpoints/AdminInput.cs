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
    /// An admin call the framework refuses before our code runs (a body that is not JSON, a wrong content type)
    /// gets an RFC 9457 problem-details body instead of an empty one. Only for callers past the admin key.
    /// </summary>
    public static IApplicationBuilder UseAdminProblemDetails(this IApplicationBuilder app) =>
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase), api => api.UseStatusCodePages());
}
