using Microsoft.Extensions.Options;
using Monitor.Probes.Tickets;
using Monitor.Probes.Tickets.Sentiment;
using Monitor.Probes.Tickets.Webhooks;
using Monitor.Worker.Endpoints;
using Monitor.Worker.Scheduling;

namespace Monitor.Worker.Tickets;

/// <summary>The ticket probes in the worker: the analyser and cleaner they use, their schedules, the webhook.</summary>
public static class TicketWiring
{
    public static WebApplicationBuilder AddTickets(this WebApplicationBuilder builder)
    {
        builder.Services.AddTicketProbes(builder.Configuration);
        return builder;
    }

    /// <summary>
    /// <c>POST /webhooks/tickets/{system}</c> on the internal listener, authenticated by the payload's
    /// HMAC signature or the webhook token (not the admin key, which ticket systems do not hold). A body larger than
    /// <c>Tickets:Webhook:MaxBodyBytes</c> gets 413: at once when its Content-Length says so, else as soon as the
    /// bytes read pass the limit, so that no more than the limit is ever held in memory.
    /// </summary>
    public static IEndpointRouteBuilder MapTicketWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/tickets/{system}", async (string system, HttpRequest request, TicketWebhookHandler handler,
            IOptions<TicketWebhookOptions> options, CancellationToken ct) =>
        {
            // Unauthenticated senders are refused on their headers: no body of theirs is read or buffered.
            if (handler.RefuseBeforeBody(system, request.Headers) is { } refused)
                return Results.Json(new { message = refused.Message }, statusCode: refused.StatusCode);
            var limit = options.Value.MaxBodyBytes;
            if (request.ContentLength > limit || await ReadAtMostAsync(request.Body, request.ContentLength, limit, ct) is not { } body)
            {
                return Results.Json(new { message = $"payload larger than {limit} bytes" },
                    statusCode: StatusCodes.Status413PayloadTooLarge);
            }
            var outcome = await handler.HandleAsync(system, request.Headers, body, ct);
            return Results.Json(new { message = outcome.Message }, statusCode: outcome.StatusCode);
        }).OnListener(Listener.Internal);
        return app;
    }

    /// <summary>
    /// The whole body when it is at most <paramref name="limit"/> bytes, null as soon as it is longer; read straight into a
    /// buffer that grows up to the limit and no further.
    /// </summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadAtMostAsync(Stream body, long? contentLength, int limit, CancellationToken ct)
    {
        var buffer = new byte[(int)Math.Min(contentLength ?? 16 * 1024, limit)];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length == limit)
                {
                    // One byte more means too long (the cast keeps null from becoming an empty body).
                    return await body.ReadAsync(new byte[1], ct) == 0 ? buffer : (ReadOnlyMemory<byte>?)null;
                }
                Array.Resize(ref buffer, (int)Math.Min(Math.Max(buffer.Length * 2L, 1024), limit));
            }
            var read = await body.ReadAsync(buffer.AsMemory(length), ct);
            if (read == 0) return buffer.AsMemory(0, length);
            length += read;
        }
    }
}
