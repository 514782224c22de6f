using System.Globalization;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;
using Monitor.Core.Downtime;
using Monitor.Worker.Endpoints;
using Monitor.Worker.StaffConsole;

namespace Monitor.Worker.Downtime;

/// <summary>The console's downtime page under /console/downtimes, for staff: list, schedule (author: the signed-in person), end early.</summary>
internal static class DowntimeConsole
{
    private static readonly TimeSpan Horizon = TimeSpan.FromDays(3700);

    public static IEndpointRouteBuilder MapDowntimeConsole(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("/console/downtimes").OnListener(Listener.Internal).RequireAuthorization(ConsoleRoles.StaffPolicy);

        pages.MapGet("", (HttpContext http, IAntiforgery af, DowntimeRepository store, IOptions<DowntimeOptions> o, TimeProvider time,
            CancellationToken ct) => PageAsync(http, af, store, o.Value, time, new DowntimePages.Draft(), [], ct));

        pages.MapPost("", async (IFormCollection form, HttpContext http, IAntiforgery af, DowntimeService downtimes,
            DowntimeRepository store, IOptions<DowntimeOptions> o, ICurrentActor actor, TimeProvider time, CancellationToken ct) =>
        {
            var d = new DowntimePages.Draft(form["users"].ToString(), form["group_type"].ToString(), form["group"].ToString(),
                form["from"].ToString(), form["until"].ToString(), form["reason"].ToString(), form["days"].Select(x => x ?? "").ToList(),
                form["start"].ToString(), form["end"].ToString(), form["time_zone"].ToString());
            var problems = new List<string>();
            var from = Utc("from", d.From, problems);
            var until = Utc("until", d.Until, problems);
            var weekly = d.Days!.Count > 0 || d.Start.Length > 0 || d.End.Length > 0;
            var (recurrence, recurrenceProblems) = weekly ? WeeklyRecurrence.Parse(d.Days, d.Start, d.End, d.TimeZone) : (null, []);
            if (problems.Count > 0)
            {
                DowntimeMetrics.Rejected.WithLabels("invalid").Inc();
                return await PageAsync(http, af, store, o.Value, time, d, problems, ct);
            }
            var users = d.Users.Split([',', ' ', '\n', '\r', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var (created, _, refused) = await downtimes.CreateAsync(new DowntimeRequest(users, d.GroupType, d.Group, from, until, d.Reason,
                recurrence, recurrenceProblems), actor.Current!.Name, ct);
            return created is null ? await PageAsync(http, af, store, o.Value, time, d, refused, ct) : Results.Redirect("/console/downtimes");
        });

        // The form is bound (unread) so that its anti-forgery token is checked, as for every console form.
        pages.MapPost("/{id:guid}/end", async (Guid id, IFormCollection form, DowntimeRepository store, ICurrentActor actor,
            TimeProvider time, CancellationToken ct) =>
            await store.EndAsync(id, actor.Current!.Name, time.GetUtcNow(), ct)
                ? Results.Redirect("/console/downtimes")
                : ConsolePages.Message(404, "No such downtime", "The downtime is over or does not exist.", "/console/downtimes", "Downtime"));
        return app;
    }

    private static async Task<IResult> PageAsync(HttpContext http, IAntiforgery af, DowntimeRepository store, DowntimeOptions o,
        TimeProvider time, DowntimePages.Draft draft, IReadOnlyList<string> errors, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        return DowntimePages.List(await store.OverlappingAsync(now, now + Horizon, ct), now, o.LongLeave,
            ConsolePages.TokenField(af.GetAndStoreTokens(http)), draft, errors);
    }

    // The form's datetime-local fields are read as UTC (the page says so).
    private static DateTimeOffset? Utc(string field, string text, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (DateTime.TryParseExact(text.Trim(), ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss"], CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t))
            return new DateTimeOffset(t, TimeSpan.Zero);
        problems.Add($"{field} must be a date and time, yyyy-MM-ddTHH:mm (UTC).");
        return null;
    }
}
