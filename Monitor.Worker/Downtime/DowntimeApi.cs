using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Monitor.Core.Downtime;
using Monitor.Worker.Endpoints;
using Monitor.Worker.Privacy;
using Monitor.Worker.StaffConsole;
using Monitor.Worker.Storage;

namespace Monitor.Worker.Downtime;

/// <summary>The downtime admin API on the internal listener, behind the admin key (docs/downtime.md).</summary>
public static class DowntimeApi
{
    /// <summary>How far ahead "current and future" looks: beyond the longest downtime allowed.</summary>
    private static readonly TimeSpan Horizon = TimeSpan.FromDays(3700);

    public static IEndpointRouteBuilder MapDowntimeApi(this IEndpointRouteBuilder app)
    {
        foreach (var reason in new[] { "invalid", "unknown_users", "unknown_group" }) DowntimeMetrics.Rejected.WithLabels(reason);
        var api = app.MapGroup("/api").OnListener(Listener.Internal);

        api.MapPost("/downtimes", async (CreateBody body, DowntimeService downtimes, ICurrentActor actor, PrivacyPolicy privacy,
            CancellationToken ct) =>
        {
            var (recurrence, recurrenceProblems) = body.Recurrence is { } r
                ? WeeklyRecurrence.Parse(r.Days, r.Start, r.End, r.TimeZone)
                : (null, []);
            var author = body.Author?.Trim() is { Length: > 0 } a ? a : actor.Current?.Name ?? CurrentActor.ApiKey;
            var (created, _, problems) = await downtimes.CreateAsync(new DowntimeRequest(body.Users, body.GroupType, body.Group,
                body.From, body.Until, body.Reason, recurrence, recurrenceProblems), author, ct);
            return created is null
                ? Results.Problem(statusCode: 400, detail: string.Join(" ", problems))
                : Results.Created($"/api/downtimes/{created.Id}", View(created, DateTimeOffset.MinValue, TimeSpan.MaxValue,
                    privacy.ShowsIndividuals));
        }).NoIndividual(); // users left out in anonymous mode

        api.MapGet("/downtimes", async (string? user, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "group_type")] string? groupType,
            string? group, bool? active, DowntimeRepository store, UserRepository users, IOptions<DowntimeOptions> options,
            PrivacyPolicy privacy, TimeProvider time, CancellationToken ct) =>
        {
            var now = time.GetUtcNow();
            var person = user is null ? null : await users.FindAsync(user, ct);
            if (user is not null && person is null) return Results.Problem(statusCode: 404, detail: $"No user '{user}' in the directory.");
            var list = (await store.OverlappingAsync(now, now + Horizon, ct))
                .Where(d => active != true || d.Covers(now))
                .Where(d => groupType is null || string.Equals(d.GroupType, groupType, StringComparison.OrdinalIgnoreCase))
                .Where(d => group is null || d.Group == group)
                .Where(d => person is null || d.Users.Contains(person.Id) ||
                            d.GroupType == "department" && d.Group == person.Department || d.GroupType == "site" && d.Group == person.Site);
            return Results.Ok(list.Select(d => View(d, now, options.Value.LongLeave, privacy.ShowsIndividuals)));
        }).AboutIndividuals(onlyWithQuery: "user"); // one person's downtimes; without ?user= users are left out in anonymous mode

        api.MapGet("/downtimes/{id:guid}", async (Guid id, DowntimeRepository store, IOptions<DowntimeOptions> options, TimeProvider time,
            PrivacyPolicy privacy, CancellationToken ct) =>
            await store.FindAsync(id, ct) is { } d
                ? Results.Ok(View(d, time.GetUtcNow(), options.Value.LongLeave, privacy.ShowsIndividuals))
                : Results.Problem(statusCode: 404, detail: $"No downtime '{id}'."))
            .NoIndividual();

        api.MapDelete("/downtimes/{id:guid}", async (Guid id, DowntimeRepository store, ICurrentActor actor, TimeProvider time,
            CancellationToken ct) =>
            await store.EndAsync(id, actor.Current?.Name ?? CurrentActor.ApiKey, time.GetUtcNow(), ct)
                ? Results.NoContent()
                : Results.Problem(statusCode: 404, detail: $"No downtime '{id}' that is current or to come."))
            .NoIndividual();
        return app;
    }

    /// <summary>
    /// A downtime as the API shows it; <c>active</c> says whether it covers <paramref name="now"/>. Without
    /// <paramref name="individuals"/> (anonymous mode) a downtime of people does not name them (<c>users</c> is null).
    /// </summary>
    public static object View(DowntimeRecord d, DateTimeOffset now, TimeSpan longLeave, bool individuals = true) => new
    {
        d.Id, users = d.IsGroup || !individuals ? null : d.Users, groupType = d.GroupType, group = d.Group, from = d.From, until = d.Until,
        recurrence = d.Recurrence is { } r
            ? new { days = r.DaysText.Split(','), start = r.Start.ToString("HH:mm"), end = r.End.ToString("HH:mm"), timeZone = r.TimeZone }
            : null,
        d.Reason, d.Author, d.CreatedAt, d.EndedBy, active = d.Covers(now), longLeave = d.IsLongLeave(longLeave),
    };

    public sealed record CreateBody(
        IReadOnlyList<string>? Users,
        [property: JsonPropertyName("group_type")] string? GroupType,
        string? Group,
        DateTimeOffset? From,
        DateTimeOffset? Until,
        string? Reason,
        string? Author,
        RecurrenceBody? Recurrence);

    public sealed record RecurrenceBody(IReadOnlyList<string>? Days, string? Start, string? End, string? TimeZone);
}
