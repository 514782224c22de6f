using System.Globalization;
using System.Text;
using Monitor.Core.Ports;
using Monitor.Worker.Endpoints;
using Monitor.Worker.StaffConsole;

namespace Monitor.Worker.Privacy;

/// <summary>
/// The admin API's privacy endpoints (bearer key, internal listener): the audit log as JSON and CSV, a person's
/// export (an access request) and erasure. Both of the latter are audited with the actor.
/// </summary>
public static class PrivacyApi
{
    public static IEndpointRouteBuilder MapPrivacyApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").OnListener(Listener.Internal);

        // In anonymous mode the entries keep their actor (IT staff) but not the person they were about; a query by person
        // (?subject=) is refused before this (UsePrivacy, by the scope declared here).
        api.MapGet("/audit", async (DateTimeOffset? since, string? actor, string? subject, int? limit, AuditRepository audit,
            PrivacyPolicy privacy, TimeProvider time, CancellationToken ct) =>
            Results.Ok(Shown(await Query(audit, time, since, actor, subject, limit, ct), privacy)))
            .AboutIndividuals(onlyWithQuery: "subject");

        api.MapGet("/audit.csv", async (DateTimeOffset? since, string? actor, string? subject, int? limit, AuditRepository audit,
            PrivacyPolicy privacy, TimeProvider time, CancellationToken ct) =>
            Results.Text(AuditCsv.Write(Shown(await Query(audit, time, since, actor, subject, limit, ct), privacy)),
                "text/csv; charset=utf-8", Encoding.UTF8))
            .AboutIndividuals(onlyWithQuery: "subject");

        api.MapGet("/users/{id}/export", async (string id, PersonalData data, ICurrentActor actor, CancellationToken ct) =>
            await data.ExportAsync(id, ActorName(actor), ct) is { } export
                ? Results.Ok(export)
                : Results.Problem(detail: $"Nothing is held about '{id}'.", statusCode: 404))
            .PersonsRight();

        api.MapDelete("/users/{id}/data", async (string id, PersonalData data, ICurrentActor actor, CancellationToken ct) =>
            await data.EraseAsync(id, ActorName(actor), ct) is { } erased
                ? Results.Ok(new { userId = id, erased })
                : Results.Problem(detail: $"No user '{id}' in the directory and nothing held about them.", statusCode: 404))
            .PersonsRight();
        return app;
    }

    internal static Task<IReadOnlyList<AuditEntry>> Query(AuditRepository audit, TimeProvider time, DateTimeOffset? since,
        string? actor, string? subject, int? limit, CancellationToken ct) =>
        audit.QueryAsync(since ?? time.GetUtcNow().AddDays(-30), Blank(actor), Blank(subject), limit ?? 1000, ct);

    private static IReadOnlyList<AuditEntry> Shown(IReadOnlyList<AuditEntry> entries, PrivacyPolicy privacy) =>
        privacy.ShowsIndividuals ? entries : entries.Select(e => e with { SubjectUserId = null }).ToList();

    internal static string ActorName(ICurrentActor actor) => actor.Current?.Name ?? CurrentActor.ApiKey;

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}

/// <summary>The audit log as CSV, safe to open in a spreadsheet.</summary>
internal static class AuditCsv
{
    public static string Write(IEnumerable<AuditEntry> entries) =>
        SpreadsheetCsv.Write(["at", "actor", "action", "subject_user_id", "detail"],
            entries.Select(e => new[] { e.At.ToString("O", CultureInfo.InvariantCulture), e.Actor, e.Action, e.SubjectUserId, e.Detail }));
}
