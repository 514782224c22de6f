using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Monitor.Core.Evaluation;
using Monitor.Core.Pulses;
using Monitor.Core.Signals;
using Monitor.Probes.Pulse;
using Monitor.Worker.Exporter;
using Monitor.Worker.Privacy;
using Monitor.Worker.Pulse;
using Monitor.Worker.Scheduling;
using Monitor.Worker.Storage;
using Quartz;

namespace Monitor.Worker.Endpoints;

/// <summary>The JSON admin API on the internal listener, behind <c>Authorization: Bearer &lt;Admin:ApiKey&gt;</c>.</summary>
public static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").OnListener(Listener.Internal);

        api.MapGet("/users", async (string? state, string? department, string? site, BoardRepository board,
            TimeProvider time, CancellationToken ct) =>
        {
            if (AdminInput.UnknownState(state) is { } unknown) return unknown;
            var rows = await board.LoadAsync(time.GetUtcNow(), ct);
            return Results.Ok(rows
                .Where(r => state is null || string.Equals(r.State.ToString(), state, StringComparison.OrdinalIgnoreCase))
                .Where(r => department is null || r.Department == department)
                .Where(r => site is null || r.Site == site)
                .OrderBy(r => r.UserId, StringComparer.Ordinal)
                .Select(UserSummary.From));
        }).AboutIndividuals();

        api.MapGet("/users/{id}", async (string id, UserRepository users, StateRepository states,
            SignalRepository signals, AcknowledgementRepository acks, TimeProvider time, CancellationToken ct) =>
        {
            var user = await users.FindAsync(id, ct);
            if (user is null) return Problem(404, $"No user '{id}' in the directory.");
            var status = await states.FindAsync(id, ct);
            var ack = (await acks.LoadAsync([id], ct)).GetValueOrDefault(id);
            var recent = await signals.RecentAsync(id, 50, ct);
            var changes = await states.ChangesAsync(id, DateTimeOffset.MinValue, 50, ct);
            return Results.Ok(new
            {
                user,
                state = status?.State ?? SatisfactionState.Unknown,
                status,
                acknowledgement = ack is not null && ack.HoldsFor(status?.State ?? SatisfactionState.Unknown, time.GetUtcNow()) ? ack : null,
                signals = recent.Select(s => new
                {
                    s.Signal.Kind, s.Signal.Score, s.Signal.Weight, s.Signal.ObservedAt, s.Signal.Source, s.Signal.Comment, s.ReceivedAt,
                }),
                stateChanges = changes,
            });
        }).AboutOnePersonAudited("id");

        api.MapPost("/users/{id}/signals", async (string id, HttpRequest request, UserRepository users,
            SignalRepository signals, TimeProvider time, IOptions<AdminOptions> admin, CancellationToken ct) =>
        {
            var (body, error, wrongType) = await AdminInput.ReadJsonAsync<SignalRequest>(request, ct);
            if (wrongType) return Problem(415, error!);
            if (body is null)
            {
                MonitorMetrics.SignalsRejected.WithLabels("invalid").Inc();
                return Problem(400, error!);
            }
            if (await users.FindAsync(id, ct) is null) return Problem(404, $"No user '{id}' in the directory.");
            var signal = new Signal(id, body.Kind ?? SignalKinds.Touchpoint, body.Score ?? double.NaN, body.Weight ?? 1.0,
                body.ObservedAt ?? time.GetUtcNow(), body.Source ?? $"api:{Guid.CreateVersion7():N}", body.Comment);
            if (body.Score is null) return Problem(400, "score is required, in [-1, +1].");
            if (AdminInput.ObservedAtOutOfWindow(body.ObservedAt, time.GetUtcNow(), admin.Value) is { } late) return late;
            if (signal.Validate() is { } problem)
            {
                MonitorMetrics.SignalsRejected.WithLabels("invalid").Inc();
                return Problem(400, problem);
            }
            var written = await signals.WriteAsync([signal], ct);
            return written.Stored == 1
                ? Results.Created($"/api/users/{Uri.EscapeDataString(id)}", signal)
                : Results.Ok(new { duplicate = true, signal });
        }).NoIndividual(); // echoes what the caller sent

        api.MapPost("/users/{id}/acknowledgement", async (string id, AcknowledgementRequest body, StateRepository states,
            AcknowledgementRepository acks, TimeProvider time, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(body.By)) return Problem(400, "by is required: who acknowledges.");
            if (AdminInput.AcknowledgementTooLong(body.By, body.Comment) is { } tooLong) return tooLong;
            var status = await states.FindAsync(id, ct);
            if (status is null) return Problem(404, $"No evaluated user '{id}'.");
            if (status.State != SatisfactionState.Down)
                return Problem(409, $"User '{id}' is {status.State.ToString().ToLowerInvariant()}, not down: there is nothing to acknowledge.");
            var now = time.GetUtcNow();
            if (body.ExpiresAt is { } e && e <= now) return Problem(400, "expiresAt is in the past.");
            var ack = new Acknowledgement(id, body.By.Trim(), body.Comment, now, body.ExpiresAt);
            await acks.SetAsync(ack, ct);
            return Results.Created($"/api/users/{Uri.EscapeDataString(id)}/acknowledgement", ack);
        }).AboutIndividuals(); // the answer says whether one person is down

        api.MapDelete("/users/{id}/acknowledgement", async (string id, AcknowledgementRepository acks, CancellationToken ct) =>
            await acks.RemoveAsync(id, ct) ? Results.NoContent() : Problem(404, $"User '{id}' is not acknowledged."))
            .AboutIndividuals();

        api.MapGet("/state-changes", async (DateTimeOffset? since, int? limit, StateRepository states, TimeProvider time,
            CancellationToken ct) =>
            Results.Ok(await states.ChangesAsync(null, since ?? time.GetUtcNow().AddDays(-7), Math.Clamp(limit ?? 500, 1, 5000), ct)))
            .AboutIndividuals();

        api.MapGet("/probes", async (ProbeCatalog catalog, JobRunRepository runs, CancellationToken ct) =>
        {
            var latest = (await runs.LatestAsync(ct)).ToDictionary(h => h.Last.Job);
            return Results.Ok(catalog.Names.Select(n => new { name = n, last = latest.GetValueOrDefault(n) }));
        }).NoIndividual();

        api.MapPost("/probes/{name}/run", async (string name, ProbeCatalog catalog, ISchedulerFactory factory, PulseRunNow pulseNow,
            CancellationToken ct) =>
        {
            if (!catalog.IsScheduled(name))
                return Problem(404, $"No probe named '{name}'. Probes: {string.Join(", ", catalog.Names)}.");
            // Not through Quartz: after a crash its clustered store keeps the dead node's job blocked for a while (issue 13).
            if (name == PulseProbe.ProbeName)
            {
                pulseNow.Request();
                return Results.Accepted(value: new { probe = name, triggered = true });
            }
            var scheduler = await factory.GetScheduler(ct);
            await scheduler.TriggerJob(new JobKey(name), new JobDataMap(), ct);
            return Results.Accepted(value: new { probe = name, triggered = true });
        }).NoIndividual();

        api.MapPost("/users/{id}/pulse", async (string id, UserRepository users, IOptions<PulseOptions> pulse, IServiceProvider services,
            CancellationToken ct) =>
        {
            if (!pulse.Value.CanSign) return Problem(409, "The pulse probe is disabled: Pulse:SigningKeys is empty.");
            var pulses = services.GetRequiredService<PulseService>();
            var user = await users.FindAsync(id, ct);
            if (user is null) return Problem(404, $"No user '{id}' in the directory.");
            if (!user.Active || user.OptedOut)
                return Problem(409, $"User '{id}' is {(user.OptedOut ? "unsubscribed from pulses" : "inactive")}: no pulse sent.");
            if (!pulses.CanReach(user))
                return Problem(409, $"User '{id}' has no address on the pulse channel '{pulse.Value.Channel}': no pulse sent.");
            var created = await pulses.CreateAsync(user, PulseReasons.Manual, ct);
            return Results.Accepted(value: new { pulseId = created.Id, queuedAt = created.CreatedAt, created.ExpiresAt });
        }).NoIndividual();

        api.MapPost("/users/{id}/pulse-subscription", async (string id, UserRepository users, CancellationToken ct) =>
            await users.SetOptedOutAsync(id, false, ct) ? Results.NoContent() : Problem(404, $"No user '{id}' in the directory."))
            .NoIndividual();

        return app;
    }

    private static IResult Problem(int status, string detail) => Results.Problem(detail: detail, statusCode: status);

    public sealed record SignalRequest(string? Kind, double? Score, double? Weight, string? Comment, string? Source, DateTimeOffset? ObservedAt);

    public sealed record AcknowledgementRequest(string? By, string? Comment, DateTimeOffset? ExpiresAt);

    private sealed record UserSummary(string Id, string Department, string Site, SatisfactionState State, double? Score,
        bool Acknowledged, bool Flapping, DateTimeOffset? LastSignalAt, DateTimeOffset? StateSince)
    {
        public static UserSummary From(BoardRow r) =>
            new(r.UserId, r.Department, r.Site, r.State, r.Score, r.Acknowledged, r.Flapping, r.LastSignalAt, r.StateSince);
    }

    /// <summary>
    /// 401 and nothing else for anything under /api unless the bearer key matches (compared in constant
    /// time). A middleware on the path rather than an endpoint filter, so that it runs before the body is
    /// read and before routing can answer 404, 405 or 415 to a stranger.
    /// </summary>
    public static IApplicationBuilder UseAdminApiKey(this IApplicationBuilder app)
    {
        var configured = app.ApplicationServices.GetRequiredService<IOptions<AdminOptions>>().Value.ApiKey;
        var key = string.IsNullOrEmpty(configured) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(configured));
        return app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
            {
                var header = context.Request.Headers.Authorization.ToString();
                if (key is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ||
                    !CryptographicOperations.FixedTimeEquals(key, SHA256.HashData(Encoding.UTF8.GetBytes(header[7..].Trim()))))
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    context.Response.Headers.WWWAuthenticate = "Bearer";
                    return;
                }
            }
            await next(context);
        });
    }
}
