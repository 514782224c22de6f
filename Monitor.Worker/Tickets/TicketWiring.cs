using Monitor.Probes.Tickets;
using Monitor.Probes.Tickets.Sentiment;
using Monitor.Probes.Tickets.Webhooks;
using Monitor.Worker.Endpoints;
using Monitor.Worker.Scheduling;

namespace Monitor.Worker.Tickets;

/// <summary>The ticket probes in the worker: the analyser and cleaner they use, their schedules, the webhook.</summary>
public static class TicketWiring
{
    private const int MaxWebhookBytes = 1 << 20;

    public static WebApplicationBuilder AddTickets(this WebApplicationBuilder builder)
    {
        builder.Services.AddTicketProbes(builder.Configuration);
        return builder;
    }

    /// <summary>
    /// <c>POST /webhooks/tickets/{system}</c> on the internal listener, authenticated by the payload's
    /// HMAC signature or the webhook token (not the admin key, which ticket systems do not hold).
    /// </summary>
    public static IEndpointRouteBuilder MapTicketWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/tickets/{system}", async (string system, HttpRequest request, TicketWebhookHandler handler,
            CancellationToken ct) =>
        {
            if (request.ContentLength > MaxWebhookBytes) return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body, ct);
            var outcome = await handler.HandleAsync(system, request.Headers, body.ToArray(), ct);
            return Results.Json(new { message = outcome.Message }, statusCode: outcome.StatusCode);
        }).OnListener(Listener.Internal);
        return app;
    }
}
