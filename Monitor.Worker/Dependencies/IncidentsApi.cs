using Monitor.Core.Dependencies;
using Monitor.Core.Evaluation;
using Microsoft.Extensions.Options;
using Monitor.Worker.Endpoints;
using Monitor.Worker.Privacy;
using Monitor.Worker.StaffConsole;

namespace Monitor.Worker.Dependencies;

/// <summary>The incidents of the admin API, on the internal listener behind the admin key (docs/dependencies.md).</summary>
public static class IncidentsApi
{
    public static IEndpointRouteBuilder MapIncidentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").OnListener(Listener.Internal);

        api.MapPost("/incidents", async (DeclareRequest? body, IncidentService incidents, ICurrentActor actor, CancellationToken ct) =>
        {
            if (body is null) return Problem(400, incidents.Refuse(IncidentService.Invalid, "A JSON body {\"parent\",\"title\"} is required."));
            var by = actor.Current?.Name ?? CurrentActor.ApiKey;
            var (incident, problem) = await incidents.DeclareAsync(body.Parent, body.Title, by, ct);
            return incident is null ? Problem(400, problem!) : Results.Created($"/api/incidents/{incident.Id}", View(incident, null));
        }).NoIndividual();

        api.MapGet("/incidents", async (IncidentRepository store, CancellationToken ct) =>
            Results.Ok((await store.ListAsync(500, ct)).Select(i => View(i, null)))).NoIndividual();

        api.MapGet("/incidents/{id:long}", async (long id, IncidentRepository store, IncidentService incidents, CancellationToken ct) =>
            await store.FindAsync(id, ct) is { } i ? Results.Ok(View(i, (await incidents.UsersUnderAsync(i.Parent, ct)).Count)) : NotFound(id))
            .NoIndividual(); // a count of the people under it

        api.MapPost("/incidents/{id:long}/resolve", ResolveAsync).NoIndividual();
        api.MapDelete("/incidents/{id:long}", ResolveAsync).NoIndividual();

        // Per person: refused in anonymous mode (UsePrivacy) like every other read of one individual.
        api.MapGet("/users/{userId}/incidents", async (string userId, IncidentService incidents,
            IOptions<EvaluationOptions> evaluation, TimeProvider time, CancellationToken ct) =>
        {
            var signals = await incidents.TaggedSignalsAsync(userId, time.GetUtcNow() - evaluation.Value.Window, ct);
            return signals is null ? Problem(404, $"No user '{userId}' in the directory.") : Results.Ok(signals.Select(s => new
            {
                s.Kind, s.Source, s.Score, s.ObservedAt, incident = s.Incident is { } i ? new { i.Id, i.Title, i.Parent } : null,
            }));
        }).AboutIndividuals();
        return app;
    }

    private static async Task<IResult> ResolveAsync(long id, IncidentRepository store, ICurrentActor actor, TimeProvider time,
        ILogger<IncidentService> logger, CancellationToken ct)
    {
        var by = actor.Current?.Name ?? CurrentActor.ApiKey;
        if (await store.ResolveAsync(id, time.GetUtcNow(), by, ct))
        {
            logger.LogWarning("Incident {Incident} resolved by {By}", id, by);
            return Results.Ok(View((await store.FindAsync(id, ct))!, null));
        }
        return await store.FindAsync(id, ct) is null ? NotFound(id) : Problem(409, $"Incident {id} is resolved already.");
    }

    public static object View(Incident i, int? usersUnder) => new
    {
        i.Id, i.Parent, i.Title, i.Source, i.ExternalRef, i.OpenedAt, i.OpenedBy, i.ResolvedAt, i.ResolvedBy, open = i.Open, usersUnder,
    };

    private static IResult NotFound(long id) => Problem(404, $"No incident {id}.");

    private static IResult Problem(int status, string detail) => Results.Problem(detail: detail, statusCode: status);

    public sealed record DeclareRequest(string? Parent, string? Title);
}
