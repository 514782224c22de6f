using System.Text.Json;
using Monitor.Core.Actions;
using Monitor.Probes.Pulse;
using Monitor.Worker.Endpoints;
using Monitor.Worker.Privacy;
using Monitor.Worker.StaffConsole;

namespace Monitor.Worker.Actions;

/// <summary>The admin API of "you said, we did", on the internal listener behind the admin key (docs/loop.md).</summary>
public static class ActionsApi
{
    public static IEndpointRouteBuilder MapActionsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").OnListener(Listener.Internal);

        api.MapPost("/actions", async (CreateRequest body, ActionService actions, ActionRepository store, ICurrentActor actor,
            PrivacyPolicy privacy, CancellationToken ct) =>
        {
            var problems = ActionRecord.Validate(body.Title, body.Description, body.Owner).ToList();
            var (refs, bad) = ParseSignals(body.Signals);
            problems.AddRange(bad);
            if (problems.Count > 0) return Problem(400, string.Join(" ", problems));
            if (await store.UnknownAsync(refs, ct) is { Count: > 0 } unknown) return Unknown(unknown);
            var by = string.IsNullOrWhiteSpace(body.By) ? actor.Current?.Name ?? CurrentActor.ApiKey : body.By.Trim();
            var a = await actions.CreateAsync(body.Title!, body.Description!, body.Owner, by, ct);
            await store.LinkAsync(a.Id, refs, by, a.CreatedAt, ct);
            return Results.Created($"/api/actions/{a.Id}", await DetailsAsync(a, store, privacy.ShowsIndividuals, ct));
        }).NoIndividual(); // end users left out in anonymous mode (DetailsAsync)

        api.MapGet("/actions", async (ActionRepository store, CancellationToken ct) => Results.Ok(await store.ListAsync(false, 500, ct)))
            .NoIndividual();

        api.MapGet("/actions/{id:guid}", async (Guid id, ActionRepository store, PrivacyPolicy privacy, CancellationToken ct) =>
            await store.FindAsync(id, ct) is { } a ? Results.Ok(await DetailsAsync(a, store, privacy.ShowsIndividuals, ct)) : NotFound(id))
            .NoIndividual();

        api.MapPost("/actions/{id:guid}/signals", async (Guid id, LinkRequest body, ActionRepository store, ICurrentActor actor,
            TimeProvider time, CancellationToken ct) =>
        {
            if (await store.FindAsync(id, ct) is null) return NotFound(id);
            var (refs, bad) = ParseSignals(body.Signals);
            if (bad.Count > 0 || refs.Count == 0) return Problem(400, bad.Count > 0 ? string.Join(" ", bad) : "signals is required.");
            if (await store.UnknownAsync(refs, ct) is { Count: > 0 } unknown) return Unknown(unknown);
            var by = body.By?.Trim() is { Length: > 0 } b ? b : actor.Current?.Name ?? CurrentActor.ApiKey;
            var added = await store.LinkAsync(id, refs, by, time.GetUtcNow(), ct);
            return Results.Ok(new { linked = added });
        }).NoIndividual();

        api.MapPost("/actions/{id:guid}/ship", async (Guid id, ShipRequest? body, ActionService actions, ICurrentActor actor,
            CancellationToken ct) =>
        {
            var (outcome, mailed) = await actions.ShipAsync(id, body?.Notify ?? false, body?.By?.Trim() is { Length: > 0 } b
                ? b : actor.Current?.Name ?? CurrentActor.ApiKey, ct);
            return outcome switch
            {
                ActionService.ShipOutcome.NotFound => NotFound(id),
                ActionService.ShipOutcome.AlreadyShipped => Problem(409, $"Action '{id}' has already shipped: nobody is told twice."),
                _ => Results.Ok(new { shipped = true, notified = mailed }),
            };
        }).NoIndividual();

        api.MapGet("/comments", async (string? q, ActionRepository store, CancellationToken ct) =>
            CommentQuery(q) is { } problem ? Problem(400, problem) : Results.Ok(await store.SearchCommentsAsync(q!.Trim(), ct)))
            .AboutIndividuals(); // comments with their writer
        return app;
    }

    /// <summary>The problem with a comment search, or null when it is fine.</summary>
    public static string? CommentQuery(string? q) =>
        string.IsNullOrWhiteSpace(q) ? "q is required: the text to look for in comments."
        : q.Trim().Length > 200 ? "q is longer than 200 characters." : null;

    /// <summary>
    /// An action with its linked feedback, who was told, and the follow-up answers per face. Without
    /// <paramref name="individuals"/> (anonymous mode) no end user is named: a linked signal has no <c>user</c> and no
    /// <c>source</c> (a ticket's or a pulse's reference leads back to its person), <c>notified</c> is null and
    /// <c>notifiedCount</c> says how many were told. The staff's names (created, linked, shipped by) stay.
    /// </summary>
    public static async Task<object> DetailsAsync(ActionRecord a, ActionRepository store, bool individuals, CancellationToken ct)
    {
        var results = await store.FollowUpResultsAsync(a.Id, ct);
        var notified = await store.NotifiedAsync(a.Id, ct);
        return new
        {
            a.Id, a.Title, a.Description, a.Owner, a.CreatedBy, a.CreatedAt, a.ShippedAt, a.ShippedBy, a.Notify,
            signals = (await store.LinksAsync(a.Id, ct)).Select(l => new
            {
                user = individuals ? l.Ref.UserId : null, l.Ref.Kind, source = individuals ? l.Ref.Source : null, l.Score, l.Comment,
                l.ObservedAt, l.LinkedBy, l.LinkedAt,
            }),
            notified = individuals ? notified : null,
            notifiedCount = notified.Count,
            followUp = new { sent = results.Sent, answered = results.Scores.Count, answers = Faces(results.Scores) },
        };
    }

    /// <summary>How many follow-up answers each face got, keyed by the answer's key (<c>very_unhappy</c> … <c>very_happy</c>).</summary>
    public static Dictionary<string, int> Faces(IReadOnlyList<double> scores) =>
        PulseAnswers.All.ToDictionary(a => a.Key, a => scores.Count(s => Math.Abs(s - a.Score) < 0.01));

    /// <summary>
    /// Signals as objects <c>{"user","kind","source"}</c> or strings <c>user/kind/source</c>; problems name the bad ones.
    /// </summary>
    public static (List<SignalRef> Refs, List<string> Problems) ParseSignals(JsonElement? signals)
    {
        var refs = new List<SignalRef>();
        var problems = new List<string>();
        if (signals is not { } s || s.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) return (refs, problems);
        if (s.ValueKind != JsonValueKind.Array) return (refs, ["signals must be an array."]);
        foreach (var e in s.EnumerateArray())
        {
            var r = e.ValueKind switch
            {
                JsonValueKind.String => SignalRef.Parse(e.GetString()),
                JsonValueKind.Object => Property(e, "user") is { } u && Property(e, "kind") is { } k && Property(e, "source") is { } src
                    ? new SignalRef(u, k, src) : null,
                _ => null,
            };
            if (r is null) problems.Add($"signal {e.GetRawText()} is neither \"user/kind/source\" nor {{\"user\",\"kind\",\"source\"}}.");
            else refs.Add(r);
        }
        if (refs.Count > ActionRecord.MaxLinksPerRequest) problems.Add($"at most {ActionRecord.MaxLinksPerRequest} signals per request.");
        return (refs.Distinct().ToList(), problems);
    }

    private static string? Property(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } t ? t.Trim() : null;

    private static IResult Unknown(IReadOnlyList<SignalRef> unknown) =>
        Problem(400, $"No such signals: {string.Join(", ", unknown.Take(20))}.");

    private static IResult NotFound(Guid id) => Problem(404, $"No action '{id}'.");

    private static IResult Problem(int status, string detail) => Results.Problem(detail: detail, statusCode: status);

    public sealed record CreateRequest(string? Title, string? Description, string? Owner, JsonElement? Signals, string? By);

    public sealed record LinkRequest(JsonElement? Signals, string? By);

    public sealed record ShipRequest(bool? Notify, string? By);
}
