using Microsoft.AspNetCore.Routing.Patterns;

namespace Monitor.Worker.Privacy;

/// <summary>What an admin API endpoint answers about, as far as <c>Privacy:Mode</c> is concerned.</summary>
public enum Answers
{
    /// <summary>
    /// No end user: group figures, operations, IT staff's own records, an echo of what the caller sent, or an answer
    /// that leaves the people out in anonymous mode (docs/privacy.md). Served in every mode.
    /// </summary>
    NoIndividual,

    /// <summary>One person, or a list of people by name or id: refused (403) in anonymous mode.</summary>
    Individuals,

    /// <summary>A person's own right (an access request, an erasure): served in every mode, audited by the handler.</summary>
    PersonsRight,
}

/// <summary>
/// Endpoint metadata: what an endpoint of the admin API (<c>/api/...</c>) answers about. <see cref="PrivacyExtensions.UsePrivacy"/>
/// reads it after routing, so every spelling of a path that reaches the endpoint is judged alike; the guard test
/// (PrivacyScopeGuardTests) fails for an /api endpoint that declares none.
/// </summary>
/// <param name="Answers">What the answer is about.</param>
/// <param name="OnlyWithQuery">For <see cref="Answers.Individuals"/>: only when the query names this key (e.g. <c>?user=</c>);
/// without it the answer is about groups.</param>
/// <param name="AuditedPerson">The route value naming the person whose read is recorded in the audit log (<c>view_user</c>)
/// when the answer is a success; recorded as the answer starts, and an access that cannot be recorded fails.</param>
public sealed record PrivacyScope(Answers Answers, string? OnlyWithQuery = null, string? AuditedPerson = null)
{
    /// <summary>Whether this request to the endpoint is about individuals.</summary>
    public bool IsAboutIndividuals(HttpRequest request) =>
        Answers == Answers.Individuals && (OnlyWithQuery is null || request.Query.ContainsKey(OnlyWithQuery));

    /// <summary>Whether <paramref name="pattern"/> belongs to the admin API, whose endpoints must declare a scope.</summary>
    public static bool IsAdminApi(RoutePattern pattern) =>
        pattern.PathSegments is [{ Parts: [RoutePatternLiteralPart { Content: var first }] }, ..] &&
        string.Equals(first, "api", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Declaring an endpoint's <see cref="PrivacyScope"/> where it is mapped.</summary>
public static class PrivacyScopeConventions
{
    /// <summary>Answers about individuals: refused in anonymous mode, or only when the query has <paramref name="onlyWithQuery"/>.</summary>
    public static TBuilder AboutIndividuals<TBuilder>(this TBuilder builder, string? onlyWithQuery = null)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new PrivacyScope(Answers.Individuals, onlyWithQuery));

    /// <summary>One person's record, named by the route value <paramref name="routeValue"/>: refused in anonymous mode, audited otherwise.</summary>
    public static TBuilder AboutOnePersonAudited<TBuilder>(this TBuilder builder, string routeValue)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new PrivacyScope(Answers.Individuals, AuditedPerson: routeValue));

    /// <summary>Answers about no end user (see <see cref="Answers.NoIndividual"/>).</summary>
    public static TBuilder NoIndividual<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new PrivacyScope(Answers.NoIndividual));

    /// <summary>A person's own right, answered in every mode (see <see cref="Answers.PersonsRight"/>).</summary>
    public static TBuilder PersonsRight<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new PrivacyScope(Answers.PersonsRight));
}
