using System.Globalization;
using System.Text.Json;

namespace Monitor.Probes.Tickets.Webhooks;

/// <summary>
/// Reads a pushed event into the same <see cref="TicketRecord"/> the connectors produce, so that it is mapped and
/// deduplicated exactly like a pulled ticket. Two shapes:
/// <para>The generic shape (any system; Zendesk triggers can send it with placeholders):</para>
/// <code>
/// { "system": "zendesk",                      // optional: a catalogue key, default the route's
///   "ticket_id": "123", "requester_email": "ann@example.com",
///   "event": "comment" | "reopened" | "sla_breached" | "csat",
///   "occurred_at": "2026-01-05T10:00:00Z",
///   "comment": { "id": "456", "body": "…", "public": true, "author_email": "ann@example.com", "format": "plain" | "html" },
///   "rating": "good" | "bad",  "rating_id": "789", "rating_comment": "…",   // csat
///   "reopen_id": "…" }                                  // reopened (default: occurred_at in Unix seconds)
/// </code>
/// A comment counts only if it is public and its author_email is the requester's.
/// <para>Jira's own webhook (<c>webhookEvent</c> comment_created/comment_updated, or jira:issue_updated with a
/// status change out of a resolved status); Zendesk's event webhooks (<c>type</c> zen:event-type:ticket.…, see
/// <see cref="ZendeskEvents"/>).</para>
/// </summary>
public static class TicketWebhookPayload
{
    /// <returns>The ticket event, or null when the payload is well formed but carries nothing to record.</returns>
    /// <exception cref="TicketPayloadException">The payload is malformed.</exception>
    public static (string System, TicketRecord? Ticket) Parse(string routeSystem, ReadOnlyMemory<byte> body)
    {
        var read = Read(routeSystem, body);
        return (read.System, read.Ticket);
    }

    /// <summary>
    /// As <see cref="Parse"/>, with what the payload leaves for the handler to look up: Jira's comment events carry the
    /// issue without its reporter, Zendesk's event webhooks carry user ids only.
    /// </summary>
    /// <exception cref="TicketPayloadException">The payload is malformed.</exception>
    public static TicketWebhookEvent Read(string routeSystem, ReadOnlyMemory<byte> body)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new TicketPayloadException($"malformed JSON: {e.Message}", e);
        }
        if (root.ValueKind != JsonValueKind.Object) throw new TicketPayloadException("the payload must be a JSON object");
        try
        {
            if (root.TryGetProperty("webhookEvent", out _)) return FromJira(root);
            if (Str(root, "type") is { } type && type.StartsWith(ZendeskEvents.Prefix, StringComparison.Ordinal))
            {
                if (routeSystem is not ("zendesk" or "generic"))
                    throw new TicketPayloadException($"a Zendesk event does not match the route's '{routeSystem}'");
                return ZendeskEvents.Read(root);
            }
            var (system, ticket) = FromGeneric(routeSystem, root);
            return new TicketWebhookEvent(system, ticket, null);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or KeyNotFoundException)
        {
            throw new TicketPayloadException(e.Message, e);
        }
    }

    private static (string, TicketRecord?) FromGeneric(string routeSystem, JsonElement root)
    {
        var system = (Str(root, "system") ?? routeSystem).ToLowerInvariant();
        if (system != routeSystem && routeSystem != "generic")
            throw new TicketPayloadException($"system '{system}' does not match the route's '{routeSystem}'");
        if (system != "generic" && TicketSystems.Find(system) is null) throw new TicketPayloadException($"unknown system '{system}'");
        var ticketId = Need(root, "ticket_id");
        var requester = Need(root, "requester_email");
        var at = Time(Need(root, "occurred_at"));
        var record = new TicketRecord(ticketId, requester, at, [], null, null, []);
        switch (Need(root, "event"))
        {
            case "comment":
                var c = root.TryGetProperty("comment", out var cc) && cc.ValueKind == JsonValueKind.Object
                    ? cc : throw new TicketPayloadException("missing field 'comment'");
                var author = Str(c, "author_email");
                var format = Str(c, "format") switch
                {
                    null or "plain" => TicketBodyFormat.PlainText,
                    "html" => TicketBodyFormat.Html,
                    var other => throw new TicketPayloadException($"comment format '{other}' is not plain or html"),
                };
                var isPublic = c.TryGetProperty("public", out var p) && p.ValueKind is JsonValueKind.True or JsonValueKind.False
                    ? p.GetBoolean() : throw new TicketPayloadException("missing field 'comment.public'");
                return (system, record with
                {
                    Comments = [new TicketComment(Need(c, "id"), author, isPublic,
                        author is not null && string.Equals(author, requester, StringComparison.OrdinalIgnoreCase),
                        Need(c, "body"), format, at)],
                });
            case "reopened":
                return (system, record with
                {
                    Reopens = [new TicketReopen(
                        Str(root, "reopen_id") ?? at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), at)],
                });
            case "sla_breached":
                return (system, record with { SlaBreach = new TicketSlaBreach(at) });
            case "csat":
                // A Zendesk trigger on "Satisfaction changed to Good/Bad" sends what it was given, in any case.
                var rating = Need(root, "rating").Trim().ToLowerInvariant();
                if (rating is not ("good" or "bad")) return (system, null); // offered, unoffered: nothing said yet
                return (system, record with
                {
                    // Zendesk keys by the score on both paths (ZendeskConnector.RatingKey), so a pushed id is not used.
                    Satisfaction = new TicketSatisfaction(rating == "good" ? 1 : -1,
                        system == TicketSystems.Zendesk.Key ? ZendeskConnector.RatingKey(rating) : Str(root, "rating_id") ?? rating, at,
                        Str(root, "rating_comment") is { Length: > 0 } words && !string.IsNullOrWhiteSpace(words) ? words.Trim() : null),
                });
            case var other:
                throw new TicketPayloadException($"event '{other}' is not comment, reopened, sla_breached or csat");
        }
    }

    private static TicketWebhookEvent FromJira(JsonElement root)
    {
        var issue = Obj(root, "issue");
        var fields = issue.TryGetProperty("fields", out var fs) && fs.ValueKind == JsonValueKind.Object ? fs : default;
        var key = Need(issue, "key");
        var reporter = fields.ValueKind == JsonValueKind.Object && fields.TryGetProperty("reporter", out var r)
            && r.ValueKind == JsonValueKind.Object ? r : default;
        var reporterEmail = reporter.ValueKind == JsonValueKind.Object ? Str(reporter, "emailAddress") : null;
        var reporterId = reporter.ValueKind == JsonValueKind.Object ? Str(reporter, "accountId") : null;
        var at = root.TryGetProperty("timestamp", out var ts) && ts.TryGetInt64(out var ms)
            ? ms is >= 0 and <= 253402300799999 // 1970 to 9999: anything else is a bad payload, not an exception
                ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : throw new TicketPayloadException("field 'timestamp' is out of range")
            : throw new TicketPayloadException("missing field 'timestamp'");
        var record = new TicketRecord(key, reporterEmail, at, [], null, null, []);
        switch (Need(root, "webhookEvent"))
        {
            case "comment_created" or "comment_updated":
                var c = Obj(root, "comment");
                var author = c.TryGetProperty("author", out var a) && a.ValueKind == JsonValueKind.Object ? a : default;
                var isPublic = c.TryGetProperty("jsdPublic", out var p)
                    ? p.ValueKind == JsonValueKind.True
                    : !c.TryGetProperty("visibility", out _);
                var body = Obj(c, "body", allowString: true);
                var authorId = author.ValueKind == JsonValueKind.Object
                    ? Str(author, "accountId") ?? Str(author, "key") ?? Str(author, "name") : null;
                var commented = record with
                {
                    Comments = [new TicketComment(Need(c, "id"),
                        author.ValueKind == JsonValueKind.Object ? Str(author, "emailAddress") : null, isPublic,
                        reporterId is not null && authorId == reporterId,
                        body.ValueKind == JsonValueKind.String ? body.GetString()! : body.GetRawText(),
                        body.ValueKind == JsonValueKind.String ? TicketBodyFormat.PlainText : TicketBodyFormat.JiraAdf,
                        Str(c, "created") is { } created ? Time(created) : at)],
                };
                // comment_created/updated carry the issue without its reporter: the handler asks Jira who that is.
                return new("jira", commented, reporterId is null ? new RequesterLookup("jira", key, authorId) : null);
            case "jira:issue_updated"
                when root.TryGetProperty("changelog", out var changelog) && changelog.ValueKind == JsonValueKind.Object:
                var reopened = changelog.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array
                    && items.EnumerateArray().Any(i => Str(i, "field") == "status" && Str(i, "fromString") is { } from
                        && JiraConnector.ResolvedStatuses.Contains(from)
                        && !(Str(i, "toString") is { } to && JiraConnector.ResolvedStatuses.Contains(to)));
                return new("jira", reopened ? record with { Reopens = [new TicketReopen(Need(changelog, "id"), at)] } : null,
                    reopened && reporterId is null ? new RequesterLookup("jira", key, null) : null);
            default:
                return new("jira", null, null);
        }
    }

    internal static JsonElement Obj(JsonElement e, string name, bool allowString = false) =>
        e.TryGetProperty(name, out var v) && (v.ValueKind == JsonValueKind.Object || (allowString && v.ValueKind == JsonValueKind.String))
            ? v : throw new TicketPayloadException($"missing field '{name}'");

    internal static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v)
            ? v.ValueKind switch { JsonValueKind.String => v.GetString(), JsonValueKind.Number => v.GetRawText(), _ => null }
            : null;

    internal static string Need(JsonElement e, string name) =>
        Str(e, name) is { Length: > 0 } s ? s : throw new TicketPayloadException($"missing field '{name}'");

    internal static DateTimeOffset Time(string text) =>
        DateTimeOffset.TryParse(System.Text.RegularExpressions.Regex.Replace(text, @"([+-]\d{2})(\d{2})$", "$1:$2"),
            CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t.ToUniversalTime() : throw new TicketPayloadException($"'{text}' is not a timestamp");
}

/// <param name="System">The catalogue key the signals are recorded under.</param>
/// <param name="Ticket">The event as a ticket, or null when there is nothing to record.</param>
/// <param name="Lookup">What the handler must look up before the ticket can be attributed, if anything.</param>
public sealed record TicketWebhookEvent(string System, TicketRecord? Ticket, RequesterLookup? Lookup);

/// <summary>A requester the payload leaves out, looked up through <see cref="ITicketRequesterSource"/>.</summary>
/// <param name="System">Whose API to ask.</param>
/// <param name="Key">A Jira issue key or a Zendesk user id.</param>
/// <param name="CommentAuthorId">Set when the comment's attribution waits for the requester's id (Jira).</param>
public sealed record RequesterLookup(string System, string Key, string? CommentAuthorId);
