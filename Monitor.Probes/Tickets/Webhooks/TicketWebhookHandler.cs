using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Monitor.Core;
using Monitor.Core.Ports;
using Monitor.Core.Signals;

namespace Monitor.Probes.Tickets.Webhooks;

/// <param name="StatusCode">The HTTP status to answer with.</param>
/// <param name="Message">A short plain-text explanation (no payload content).</param>
public sealed record WebhookOutcome(int StatusCode, string Message);

/// <summary>
/// Handles <c>POST /webhooks/tickets/{system}</c> (internal listener): authenticates the raw body, reads the event
/// (<see cref="TicketWebhookPayload"/>) and writes its signals through the same mapper and dedupe keys as the
/// pulling probes. 401 bad or missing signature/token, 400 malformed (counted), 202 nothing to record or unknown
/// requester, 200 recorded, 503 the requester could not be looked up (the system was unreachable). Whatever the sender
/// chose (the route, the payload's values in an error) reaches logs and responses only through <see cref="LogSafe"/>.
/// </summary>
public sealed class TicketWebhookHandler(
    IOptions<TicketWebhookOptions> options,
    TicketSignalMapper mapper,
    IUserLookup users,
    ISignalSink sink,
    ILogger<TicketWebhookHandler> logger,
    IServiceProvider services,
    TimeProvider? time = null)
{
    /// <summary>
    /// What can be refused from the route and headers alone, before a byte of the body is read: an unknown system,
    /// webhooks off, or a request with neither the right bearer token nor a well-formed signature header (the
    /// signature itself needs the body). Null when the body should be read and handled.
    /// </summary>
    public WebhookOutcome? RefuseBeforeBody(string system, IHeaderDictionary headers)
    {
        if (Known(system) is null) return new(404, $"unknown ticket system '{LogSafe.Value(system)}'");
        var settings = options.Value;
        if (string.IsNullOrEmpty(settings.Secret) && string.IsNullOrEmpty(settings.BearerToken)
            && string.IsNullOrEmpty(settings.ZendeskSigningSecret))
        {
            return new(503, $"ticket webhooks are off: set {TicketWebhookOptions.Section}:Secret, "
                + $"{TicketWebhookOptions.Section}:BearerToken or {TicketWebhookOptions.Section}:ZendeskSigningSecret");
        }
        var signed = (!string.IsNullOrEmpty(settings.Secret) && Signature(headers) is { Length: 32 })
            || ZendeskSignature(settings, system, headers) is not null;
        return signed || BearerMatches(settings, headers) ? null : Unauthorised;
    }

    private static readonly WebhookOutcome Unauthorised = new(401, "missing or invalid signature or token");

    private static string? Known(string system)
    {
        var route = system.ToLowerInvariant();
        return route == "generic" || TicketSystems.Find(route) is not null ? route : null;
    }

    public async Task<WebhookOutcome> HandleAsync(
        string system, IHeaderDictionary headers, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        if (RefuseBeforeBody(system, headers) is { } refused) return refused;
        var route = Known(system)!;
        var settings = options.Value;
        if (!Authenticated(settings, route, headers, body.Span)) return Unauthorised;
        if (body.Length > settings.MaxBodyBytes) return new(413, $"payload larger than {settings.MaxBodyBytes} bytes");

        TicketWebhookEvent read;
        try
        {
            read = TicketWebhookPayload.Read(route, body);
        }
        catch (TicketPayloadException e)
        {
            TicketMetrics.RecordsRejected.WithLabels("tickets_" + route).Inc();
            var reason = LogSafe.Value(e.Message);
            logger.LogWarning("Ticket webhook for {System} rejected: {Reason}", route, reason);
            return new(400, $"malformed payload: {reason}");
        }
        var (source, ticket, lookup) = read;
        var probe = "tickets_" + source;
        if (ticket is null) return new(202, "ignored: nothing to record");
        if (lookup is not null)
        {
            try
            {
                ticket = await WebhookRequesters.CompleteAsync(services, ticket, lookup, cancellationToken);
            }
            catch (RequesterLookupFailedException e)
            {
                logger.LogWarning("Ticket webhook for {System} ticket {TicketId}: requester lookup failed: {Reason}",
                    source, LogSafe.Value(read.Ticket?.Id), LogSafe.Value(e.Message));
                return new(503, $"could not ask {source} for the requester; retry later");
            }
            if (ticket is null) return new(202, "ignored: requester unknown to the ticket system");
        }
        TicketMetrics.TicketsProcessed.WithLabels(probe).Inc();
        var user = string.IsNullOrWhiteSpace(ticket.RequesterEmail)
            ? null
            : await users.FindByEmailAsync(ticket.RequesterEmail, cancellationToken);
        if (user is null) return new(202, "ignored: requester not in the directory");

        var (signals, comments) = mapper.Map(source, user.Id, ticket, settings.MinimumSentimentConfidence);
        var now = (time ?? TimeProvider.System).GetUtcNow();
        var valid = signals.Where(s => TicketSignalMapper.Problem(s, now) is null).ToList();
        if (valid.Count < signals.Count)
        {
            TicketMetrics.RecordsRejected.WithLabels(probe).Inc(signals.Count - valid.Count);
            logger.LogWarning("Ticket webhook for {System} ticket {TicketId}: {Count} invalid signals dropped",
                source, LogSafe.Value(ticket.Id), signals.Count - valid.Count);
        }
        TicketMetrics.CommentsProcessed.WithLabels(probe).Inc(comments);
        if (valid.Count == 0) return new(202, "ignored: nothing to record");
        var written = await sink.WriteAsync(valid, cancellationToken);
        return new(200, $"{written.Stored} signals stored, {written.Duplicates} duplicates");
    }

    private static bool Authenticated(TicketWebhookOptions settings, string route, IHeaderDictionary headers, ReadOnlySpan<byte> body)
    {
        if (!string.IsNullOrEmpty(settings.Secret) && Signature(headers) is { } given)
        {
            var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(settings.Secret), body);
            if (CryptographicOperations.FixedTimeEquals(expected, given)) return true;
        }
        if (ZendeskSignature(settings, route, headers) is { } zendesk)
        {
            // developer.zendesk.com "Verifying webhook authenticity": base64(HMACSHA256(TIMESTAMP + BODY)).
            using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(settings.ZendeskSigningSecret!));
            hmac.AppendData(Encoding.UTF8.GetBytes(zendesk.Timestamp));
            hmac.AppendData(body);
            if (CryptographicOperations.FixedTimeEquals(hmac.GetHashAndReset(), zendesk.Signature)) return true;
        }
        return BearerMatches(settings, headers);
    }

    /// <summary>
    /// Zendesk's own signature (<c>X-Zendesk-Webhook-Signature</c>, base64 of 32 bytes, with its
    /// <c>X-Zendesk-Webhook-Signature-Timestamp</c>) when a Zendesk signing secret is set and the route is Zendesk's or
    /// generic; null otherwise.
    /// </summary>
    private static (byte[] Signature, string Timestamp)? ZendeskSignature(TicketWebhookOptions settings, string route,
        IHeaderDictionary headers)
    {
        if (string.IsNullOrEmpty(settings.ZendeskSigningSecret) || route.ToLowerInvariant() is not ("zendesk" or "generic"))
            return null;
        var timestamp = headers["X-Zendesk-Webhook-Signature-Timestamp"].ToString();
        var signature = new byte[32];
        return timestamp.Length > 0
            && Convert.TryFromBase64String(headers["X-Zendesk-Webhook-Signature"].ToString(), signature, out var written) && written == 32
            ? (signature, timestamp)
            : null;
    }

    /// <summary>The signature the request claims (<c>sha256=&lt;hex&gt;</c>), or null when there is none that parses.</summary>
    private static byte[]? Signature(IHeaderDictionary headers)
    {
        var header = headers["X-Signature-256"].ToString();
        if (header.Length == 0) header = headers["X-Hub-Signature"].ToString();
        return header.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase) && TryHex(header.AsSpan(7), out var given)
            ? given
            : null;
    }

    private static bool BearerMatches(TicketWebhookOptions settings, IHeaderDictionary headers)
    {
        if (string.IsNullOrEmpty(settings.BearerToken)) return false;
        var authorization = headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return false;
        // Hash both sides so that the comparison time does not depend on the token's length either.
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(authorization[7..].Trim()));
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(settings.BearerToken));
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    private static bool TryHex(ReadOnlySpan<char> hex, out byte[] bytes)
    {
        try
        {
            bytes = Convert.FromHexString(hex);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }
}
