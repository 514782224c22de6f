using Monitor.Worker.Endpoints;

namespace Monitor.Worker.Pulse;

/// <summary>
/// A pulse link that is not one of ours (malformed, forged, signed with an expiry no link of ours has, for a pulse the
/// store does not hold): the "link not valid" page (404), a count in
/// <c>satisfaction_public_requests_refused_total{reason="invalid_link"}</c> and one log line naming the route, never the
/// token (it names its person).
/// </summary>
internal static class PulseLinkRefusals
{
    public const string InvalidLink = "invalid_link";

    private const string Category = "Monitor.Worker.Pulse.PulseLinks";

    /// <summary>Makes the series exist from the start, so that a rate() over it works before the first refusal.</summary>
    public static void Register() => PublicFormErrors.Refused.WithLabels(InvalidLink);

    public static IResult Invalid(HttpContext http, PageWords w)
    {
        PublicFormErrors.Refused.WithLabels(InvalidLink).Inc();
        http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(Category).LogInformation(
            "Pulse link refused on {Method} {Route}: not a link this worker signed for a pulse it holds",
            http.Request.Method, (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText);
        return PulsePages.Invalid(w);
    }
}
