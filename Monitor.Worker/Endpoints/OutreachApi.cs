using System.Text;
using System.Text.Json;
using Monitor.Core.Outreach;
using Monitor.Core.Ports;
using Monitor.Worker.Outreach;
using Monitor.Worker.Privacy;
using Monitor.Worker.StaffConsole;
using Monitor.Worker.Storage;

namespace Monitor.Worker.Endpoints;

/// <summary>Visits, who to visit and lunches for machines, under /api behind the admin key (the middleware checks it first).</summary>
public static class OutreachApi
{
    public static IEndpointRouteBuilder MapOutreachApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").OnListener(Listener.Internal);

        api.MapPost("/users/{id}/visits", async (string id, HttpRequest request, UserRepository users, OutreachService outreach,
            TimeProvider time, CancellationToken ct) =>
        {
            var (body, error, _) = await AdminInput.ReadJsonAsync<VisitBody>(request, ct);
            if (body is null) return Problem(400, error!);
            if (await users.FindAsync(id, ct) is null) return Problem(404, $"No user '{id}' in the directory.");
            var now = time.GetUtcNow();
            var visit = new VisitRequest(body.Kind, body.Feeling, body.By, body.At, body.Notes, body.FollowUpOn);
            var problems = visit.Validate(now);
            if (problems.Count > 0) return Problem(400, string.Join(" ", problems));
            var stored = await outreach.RecordAsync(visit.ToVisit(Guid.CreateVersion7(), id, now), ct);
            return Results.Created($"/api/users/{Uri.EscapeDataString(id)}/visits", stored);
        }).NoIndividual(); // echoes what the caller sent

        api.MapGet("/users/{id}/visits", async (string id, UserRepository users, VisitRepository visits, CancellationToken ct) =>
            await users.FindAsync(id, ct) is null
                ? Problem(404, $"No user '{id}' in the directory.")
                : Results.Ok(await visits.ForUserAsync(id, 500, ct)))
            .AboutIndividuals();

        api.MapGet("/outreach", async (OutreachService outreach, CancellationToken ct) =>
            Results.Ok((await outreach.WhoToVisitAsync(ct)).Select(l => new
            {
                userId = l.User.Id, l.User.DisplayName, l.User.Department, l.User.Site, l.Reason, l.Since, l.Explanation,
            }))).AboutIndividuals();

        api.MapGet("/outreach.csv", async (OutreachService outreach, IAuditLog audit, ICurrentActor actor, TimeProvider time,
            CancellationToken ct) =>
        {
            var lines = await outreach.WhoToVisitAsync(ct);
            var who = actor.Current?.Name ?? "api-key";
            await audit.RecordAsync(new AuditEntry(time.GetUtcNow(), who, AuditActions.ExportUsers, null, "outreach.csv"), ct);
            return OutreachCsv.Result(lines);
        }).AboutIndividuals();

        api.MapPost("/lunches", async (HttpRequest request, OutreachService outreach, CancellationToken ct) =>
        {
            var (body, error, _) = await AdminInput.ReadJsonAsync<LunchBody>(request, ct);
            if (body is null) return Problem(400, error!);
            if (body.N is not (>= 1 and <= 100)) return Problem(400, "n must be between 1 and 100: how many people to draw.");
            if (string.IsNullOrWhiteSpace(body.By)) return Problem(400, "by is required: who draws the lunch.");
            var (lunch, drawn) = await outreach.DrawLunchAsync(body.N.Value, body.Seed, body.By.Trim(), ct);
            return Results.Created($"/api/lunches/{lunch.Id}", new
            {
                lunch.Id, lunch.Seed, lunch.DrawnAt,
                drawn = drawn.Select(u => new { u.Id, u.DisplayName, u.Department, u.Site, u.Rank }),
            });
        }).AboutIndividuals(); // drawn by name

        api.MapPost("/lunches/{id}/attendance", async (string id, HttpRequest request, OutreachService outreach, CancellationToken ct) =>
        {
            var (body, error, _) = await AdminInput.ReadJsonAsync<AttendanceBody>(request, ct);
            if (body is null) return Problem(400, error!);
            if (!Guid.TryParse(id, out var lunchId)) return Problem(404, $"No lunch '{id}'.");
            if (body.Came is null) return Problem(400, "came is required: the ids of those who came (may be empty).");
            if (string.IsNullOrWhiteSpace(body.By)) return Problem(400, "by is required: who records the attendance.");
            try
            {
                var made = await outreach.RecordAttendanceAsync(lunchId, body.Came, body.By.Trim(), ct);
                return made is null ? Problem(404, $"No lunch '{id}'.") : Results.Ok(new { visits = made });
            }
            catch (ArgumentException e)
            {
                return Problem(400, e.Message);
            }
        }).AboutIndividuals();
        return app;
    }

    private static IResult Problem(int status, string detail) => Results.Problem(detail: detail, statusCode: status);

    private sealed record VisitBody(string? Kind, double? Feeling, string? By, DateTimeOffset? At, string? Notes, DateOnly? FollowUpOn);

    private sealed record LunchBody(int? N, int? Seed, string? By);

    private sealed record AttendanceBody(List<string>? Came, string? By);
}

/// <summary>The "who to visit" list as CSV (spreadsheet-safe: cells that start like a formula are quoted with a leading ').</summary>
public static class OutreachCsv
{
    public static string Render(IEnumerable<OutreachLine> lines) =>
        SpreadsheetCsv.Write(["user_id", "display_name", "department", "site", "reason", "since", "explanation"],
            lines.Select(l => new[]
            {
                l.User.Id, l.User.DisplayName, l.User.Department, l.User.Site, Reason(l.Reason), VisitRepository.Iso(l.Since), l.Explanation,
            }), newLine: "\n");

    public static IResult Result(IEnumerable<OutreachLine> lines) =>
        Results.File(Encoding.UTF8.GetBytes(Render(lines)), "text/csv; charset=utf-8", "outreach.csv");

    public static string Reason(OutreachReason r) => JsonNamingPolicy.SnakeCaseLower.ConvertName(r.ToString());
}
