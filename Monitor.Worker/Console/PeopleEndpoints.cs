using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Monitor.Core.Evaluation;
using Monitor.Core.Ports;
using Monitor.Worker.Endpoints;
using Monitor.Worker.Privacy;
using Monitor.Worker.Storage;

namespace Monitor.Worker.StaffConsole;

/// <summary>The people list, a user's page, and acknowledging from the console.</summary>
internal static class PeopleEndpoints
{
    public static IServiceCollection AddPeoplePages(this IServiceCollection services)
    {
        services.AddHttpClient(AlertmanagerAlerts.ClientName);
        services.AddSingleton<AlertmanagerAlerts>();
        services.AddSingleton<ConsoleHome>();
        services.AddSingleton<UserPageLoader>();
        services.AddHostedService<ConsoleInfoMetric>();
        return services;
    }

    public static IEndpointRouteBuilder MapPeopleEndpoints(this IEndpointRouteBuilder app)
    {
        var console = app.MapGroup("/console").OnListener(Listener.Internal);

        console.MapGet("/people", async (string? state, string? department, string? site,
            [FromQuery(Name = "needs-visit")] string? needsVisit,
            HttpContext http, IAuthorizationService authorization, BoardRepository board, UserRepository users,
            IServiceProvider services, TimeProvider time, CancellationToken ct) =>
        {
            var now = time.GetUtcNow();
            var rows = await board.LoadAsync(now, ct);
            // Whoever does not pass the Staff policy (viewers, and everyone in anonymous mode): the groups, never the people.
            if (!(await authorization.AuthorizeAsync(http.User, ConsoleRoles.StaffPolicy)).Succeeded) return PeoplePages.Groups(rows);
            var names = (await users.ListAsync(ct)).ToDictionary(u => u.Id, u => u.DisplayName, StringComparer.Ordinal);
            var visits = services.GetService<INeedsVisit>();
            var needs = visits is null ? null : await visits.UserIdsAsync(now, ct);
            var filter = new PeoplePages.Filter(Blank(state), Blank(department), Blank(site), needsVisit == "true" && needs is not null);
            var error = filter.State is { } s && !PeoplePages.States.Any(x => PeoplePages.Name(x) == s)
                ? $"'{s}' is not a state: down, degraded, up or unknown."
                : null;
            return PeoplePages.List(rows, names, error is null ? filter : filter with { State = null }, needs, error);
        }).RequireAuthorization(ConsoleRoles.ViewerPolicy);

        console.MapGet("/users/{id}", async (string id, HttpContext http, UserPageLoader loader, CancellationToken ct) =>
            await loader.PageAsync(http, id, null, ct)).RequireAuthorization(ConsoleRoles.StaffPolicy);

        console.MapPost("/users/{id}/acknowledgement", async (string id, [FromForm] string? comment, [FromForm] string? expiry,
            HttpContext http, ICurrentActor actor, UserPageLoader loader, StateRepository states, AcknowledgementRepository acks,
            TimeProvider time, IUserLogName logNames, ILogger<UserPageLoader> logger, CancellationToken ct) =>
        {
            var status = await states.FindAsync(id, ct);
            UserPage.Typed Keep(string error) => new(comment, expiry, error);
            if (!UserPage.Expiries.TryGetValue(expiry ?? "", out var span))
                return await loader.PageAsync(http, id, Keep("Choose an expiry from the list."), ct, 400);
            if (comment?.Length > 2000)
                return await loader.PageAsync(http, id, Keep("The comment is longer than 2000 characters."), ct, 400);
            if (status?.State != SatisfactionState.Down)
            {
                return await loader.PageAsync(http, id, Keep("This user is not down (any more): there is nothing to acknowledge."),
                    ct, 409);
            }
            var now = time.GetUtcNow();
            var by = actor.Current!.Name;
            await acks.SetAsync(new Acknowledgement(id, by, Blank(comment?.Trim()), now, span is { } x ? now + x : null), ct);
            logger.LogInformation("Console: {By} acknowledged user {User}", by, logNames.For(id));
            return Results.Redirect($"/console/users/{Uri.EscapeDataString(id)}", preserveMethod: false);
        }).RequireAuthorization(ConsoleRoles.StaffPolicy);

        console.MapPost("/users/{id}/acknowledgement/remove", async (string id, IFormCollection form, ICurrentActor actor,
            AcknowledgementRepository acks, IUserLogName logNames, ILogger<UserPageLoader> logger, CancellationToken ct) =>
        {
            if (await acks.RemoveAsync(id, ct))
                logger.LogInformation("Console: {By} removed the acknowledgement of {User}", actor.Current!.Name, logNames.For(id));
            return Results.Redirect($"/console/users/{Uri.EscapeDataString(id)}");
        }).RequireAuthorization(ConsoleRoles.StaffPolicy);

        return app;
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}

/// <summary>Reads what a user's page shows, records the view in the audit log, and renders it.</summary>
internal sealed class UserPageLoader(UserRepository users, StateRepository states, SignalRepository signals,
    AcknowledgementRepository acks, IEnumerable<IUserPageSection> sections, IAuditLog audit, ICurrentActor actor,
    IAntiforgery antiforgery, TimeProvider time, IUserLogName logNames, ILogger<UserPageLoader> logger)
{
    public async Task<IResult> PageAsync(HttpContext http, string id, UserPage.Typed? typed, CancellationToken ct, int status = 200)
    {
        var user = await users.FindAsync(id, ct);
        if (user is null)
            return ConsolePages.Message(404, "No such user", $"There is no user '{id}' in the directory.", "/console/people", "People");
        var who = actor.Current!;
        var now = time.GetUtcNow();
        await audit.RecordAsync(new AuditEntry(now, who.Name, AuditActions.ViewUser, id), ct);
        var state = await states.FindAsync(id, ct);
        var ack = (await acks.LoadAsync([id], ct)).GetValueOrDefault(id);
        var current = state?.State ?? SatisfactionState.Unknown;
        var lapsed = ack is not null && Escalation.EscalationMetrics.LapsedAt(ack, current, now) is not null ? ack : null;
        if (ack is not null && !ack.HoldsFor(current, now)) ack = null;
        var tokens = antiforgery.GetAndStoreTokens(http);
        var field = ConsolePages.TokenField(tokens);
        var context = new UserPageContext(user, who, tokens, field);
        var rendered = new List<string>();
        foreach (var section in sections.OrderBy(s => s.Order))
        {
            try
            {
                rendered.Add(await section.RenderAsync(context, ct));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Console: the section {Section} failed for {User}", section.GetType().Name,
                    logNames.For(id));
                rendered.Add("<p class=\"error\">This part of the page could not be shown just now.</p>");
            }
        }
        var model = new UserPage.Model(user, state, ack, await signals.RecentAsync(id, 50, ct),
            await states.ChangesAsync(id, DateTimeOffset.MinValue, 50, ct), rendered, lapsed);
        return ConsolePages.Html(status, user.DisplayName, UserPage.Render(model, field, typed));
    }
}
