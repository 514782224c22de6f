using System.Globalization;
using Microsoft.AspNetCore.Antiforgery;
using Monitor.Core.Outreach;
using Monitor.Core.Ports;
using Monitor.Worker.Endpoints;
using Monitor.Worker.StaffConsole;
using Monitor.Worker.Storage;

namespace Monitor.Worker.Outreach;

/// <summary>
/// The console's outreach pages: who to visit (and its CSV), logging a visit, the lunch draw. They show individuals,
/// so they need the staff role; every act records the signed-in person.
/// </summary>
public static class OutreachConsole
{
    public static IEndpointRouteBuilder MapOutreach(this IEndpointRouteBuilder app)
    {
        app.MapOutreachApi();
        var console = app.MapGroup("/console").OnListener(Listener.Internal).RequireAuthorization(ConsoleRoles.StaffPolicy);

        console.MapGet("/outreach", async (OutreachService outreach, CancellationToken ct) =>
            OutreachPages.List(await outreach.WhoToVisitAsync(ct)));

        console.MapGet("/outreach.csv", async (OutreachService outreach, IAuditLog audit, ICurrentActor actor, TimeProvider time,
            CancellationToken ct) =>
        {
            var lines = await outreach.WhoToVisitAsync(ct);
            var who = actor.Current!.Name;
            await audit.RecordAsync(new AuditEntry(time.GetUtcNow(), who, AuditActions.ExportUsers, null, "outreach.csv"), ct);
            return OutreachCsv.Result(lines);
        });

        console.MapGet("/users/{id}/visits/new", async (string id, HttpContext http, IAntiforgery antiforgery, UserRepository users,
            CancellationToken ct) =>
            await users.FindAsync(id, ct) is { } user
                ? OutreachPages.NewVisit(antiforgery.GetAndStoreTokens(http), user, new OutreachPages.VisitForm(), [])
                : NoUser(id));

        console.MapPost("/users/{id}/visits/new", async (string id, IFormCollection form, HttpContext http, IAntiforgery antiforgery,
            UserRepository users, OutreachService outreach, ICurrentActor actor, TimeProvider time, CancellationToken ct) =>
        {
            var user = await users.FindAsync(id, ct);
            if (user is null) return NoUser(id);
            var typed = new OutreachPages.VisitForm(form["kind"].ToString(), form["feeling"].ToString().Trim(), form["notes"].ToString(),
                form["followUpOn"].ToString().Trim());
            var errors = new List<string>();
            double? feeling = null;
            if (typed.Feeling.Length > 0)
            {
                if (double.TryParse(typed.Feeling, NumberStyles.Float, CultureInfo.InvariantCulture, out var f)) feeling = f;
                else errors.Add("feeling must be one of the five faces.");
            }
            DateOnly? followUp = null;
            if (typed.FollowUpOn.Length > 0)
            {
                if (DateOnly.TryParseExact(typed.FollowUpOn, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                    followUp = d;
                else errors.Add("The follow-up date is not a date (yyyy-MM-dd).");
            }
            var now = time.GetUtcNow();
            var request = new VisitRequest(typed.Kind, feeling, actor.Current!.Name, null, typed.Notes, followUp);
            errors.AddRange(request.Validate(now).Select(Friendly));
            if (errors.Count > 0) return OutreachPages.NewVisit(antiforgery.GetAndStoreTokens(http), user, typed, errors);
            await outreach.RecordAsync(request.ToVisit(Guid.CreateVersion7(), id, now), ct);
            return Results.Redirect($"/console/users/{Uri.EscapeDataString(id)}");
        });

        console.MapGet("/lunch", (HttpContext http, IAntiforgery antiforgery) =>
            OutreachPages.Lunch(antiforgery.GetAndStoreTokens(http), "6", null));

        console.MapPost("/lunch", async (IFormCollection form, HttpContext http, IAntiforgery antiforgery, OutreachService outreach,
            ICurrentActor actor, CancellationToken ct) =>
        {
            var typed = form["count"].ToString().Trim();
            if (!int.TryParse(typed, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 1 or > 100)
                return OutreachPages.Lunch(antiforgery.GetAndStoreTokens(http), typed, "How many people: a whole number from 1 to 100.");
            var (lunch, drawn) = await outreach.DrawLunchAsync(n, null, actor.Current!.Name, ct);
            return OutreachPages.Drawn(antiforgery.GetAndStoreTokens(http), lunch.Id, drawn);
        });

        console.MapPost("/lunch/{id:guid}/attendance", async (Guid id, IFormCollection form, OutreachService outreach,
            ICurrentActor actor, CancellationToken ct) =>
        {
            var came = form["came"].Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToList();
            try
            {
                var made = await outreach.RecordAttendanceAsync(id, came, actor.Current!.Name, ct);
                return made is null
                    ? ConsolePages.Message(404, "No such lunch", "This lunch is not in the store.", "/console/lunch", "Draw a lunch")
                    : ConsolePages.Message(200, "Attendance saved",
                        $"{came.Count} came; {made.Count} new lunch visit(s) recorded.", "/console/outreach", "Who to visit");
            }
            catch (ArgumentException e)
            {
                return ConsolePages.Message(400, "Not saved", e.Message, "/console/lunch", "Draw a lunch");
            }
        });
        return app;
    }

    private static IResult NoUser(string id) =>
        ConsolePages.Message(404, "No such user", $"No user '{id}' in the directory.", "/console/outreach", "Who to visit");

    // The form's words for the request's messages, which name the JSON fields.
    private static string Friendly(string problem) => problem
        .Replace("followUpOn is before the visit.", "The follow-up date is before today.", StringComparison.Ordinal)
        .Replace("followUpOn is more than two years away.", "The follow-up date is more than two years away.", StringComparison.Ordinal);
}
