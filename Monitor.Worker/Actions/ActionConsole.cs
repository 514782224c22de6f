using Microsoft.AspNetCore.Antiforgery;
using Monitor.Core.Actions;
using Monitor.Worker.Endpoints;
using Monitor.Worker.StaffConsole;

namespace Monitor.Worker.Actions;

/// <summary>The console's action pages under /console/actions, for staff (they show individuals' comments).</summary>
internal static class ActionConsole
{
    public static IEndpointRouteBuilder MapActionConsole(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("/console/actions").OnListener(Listener.Internal).RequireAuthorization(ConsoleRoles.StaffPolicy);

        pages.MapGet("", async (HttpContext http, IAntiforgery af, ActionRepository store, CancellationToken ct) =>
            ActionPages.List(await store.ListAsync(false, 500, ct), Token(http, af), new ActionPages.Draft(), []));

        pages.MapPost("", async (IFormCollection form, HttpContext http, IAntiforgery af, ActionService actions, ActionRepository store,
            ICurrentActor actor, CancellationToken ct) =>
        {
            var draft = new ActionPages.Draft(form["title"].ToString(), form["description"].ToString(), form["owner"].ToString());
            var problems = ActionRecord.Validate(draft.Title, draft.Description, draft.Owner);
            if (problems.Count > 0) return ActionPages.List(await store.ListAsync(false, 500, ct), Token(http, af), draft, problems);
            var a = await actions.CreateAsync(draft.Title, draft.Description, draft.Owner, actor.Current!.Name, ct);
            return Results.Redirect($"/console/actions/{a.Id}");
        });

        pages.MapGet("/{id:guid}", (Guid id, string? q, HttpContext http, IAntiforgery af, ActionRepository store, CancellationToken ct) =>
            DetailsAsync(id, q, null, http, af, store, ct));

        pages.MapPost("/{id:guid}/links", (Guid id, IFormCollection form, HttpContext http, IAntiforgery af, ActionRepository store,
            ICurrentActor actor, TimeProvider time, CancellationToken ct) => LinkAsync(id, form, http, af, store, actor, time, ct));

        // The user page's "Feedback" section names the action in a field: one form for every action.
        pages.MapPost("/link", (IFormCollection form, HttpContext http, IAntiforgery af, ActionRepository store, ICurrentActor actor,
            TimeProvider time, CancellationToken ct) => Guid.TryParse(form["action"].ToString(), out var id)
            ? LinkAsync(id, form, http, af, store, actor, time, ct)
            : Task.FromResult(ConsolePages.Message(400, "No action chosen", "Choose the action to link the comments to.",
                "/console/actions", "Actions")));

        pages.MapPost("/{id:guid}/ship", async (Guid id, IFormCollection form, HttpContext http, IAntiforgery af, ActionService actions,
            ActionRepository store, ICurrentActor actor, CancellationToken ct) =>
        {
            var (outcome, _) = await actions.ShipAsync(id, form["notify"].ToString() == "true", actor.Current!.Name, ct);
            return outcome switch
            {
                ActionService.ShipOutcome.NotFound => NotFound(),
                ActionService.ShipOutcome.AlreadyShipped =>
                    await DetailsAsync(id, null, "This action has already shipped.", http, af, store, ct),
                _ => Results.Redirect($"/console/actions/{id}"),
            };
        });
        return app;
    }

    private static async Task<IResult> LinkAsync(Guid id, IFormCollection form, HttpContext http, IAntiforgery af, ActionRepository store,
        ICurrentActor actor, TimeProvider time, CancellationToken ct)
    {
        if (await store.FindAsync(id, ct) is null) return NotFound();
        var refs = form["signal"].Select(SignalRef.Parse).ToList();
        if (refs.Count == 0 || refs.Any(r => r is null))
            return await DetailsAsync(id, null, "Tick at least one comment to link.", http, af, store, ct);
        if (refs.Count > ActionRecord.MaxLinksPerRequest)
            return await DetailsAsync(id, null, $"Link at most {ActionRecord.MaxLinksPerRequest} comments at once.", http, af, store, ct);
        if (await store.UnknownAsync(refs!, ct) is { Count: > 0 } unknown)
            return await DetailsAsync(id, null, $"No such feedback: {string.Join(", ", unknown.Take(5))}.", http, af, store, ct);
        await store.LinkAsync(id, refs!, actor.Current!.Name, time.GetUtcNow(), ct);
        return Results.Redirect($"/console/actions/{id}");
    }

    private static async Task<IResult> DetailsAsync(Guid id, string? q, string? error, HttpContext http, IAntiforgery af,
        ActionRepository store, CancellationToken ct)
    {
        if (await store.FindAsync(id, ct) is not { } a) return NotFound();
        IReadOnlyList<CommentedSignal>? found = null;
        if (q is not null)
        {
            if (ActionsApi.CommentQuery(q) is { } problem) error ??= problem;
            else found = await store.SearchCommentsAsync(q.Trim(), ct);
        }
        return ActionPages.Details(a, await store.LinksAsync(id, ct), await store.NotifiedAsync(id, ct),
            await store.FollowUpResultsAsync(id, ct), q, found, Token(http, af), error);
    }

    private static IResult NotFound() =>
        ConsolePages.Message(404, "No such action", "The action does not exist.", "/console/actions", "Actions");

    private static string Token(HttpContext http, IAntiforgery af) => ConsolePages.TokenField(af.GetAndStoreTokens(http));
}
