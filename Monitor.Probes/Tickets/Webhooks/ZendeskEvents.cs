using System.Text.Json;
using static Monitor.Probes.Tickets.Webhooks.TicketWebhookPayload;

namespace Monitor.Probes.Tickets.Webhooks;

/// <summary>
/// Zendesk's event webhooks (developer.zendesk.com/api-reference/webhooks/event-types/ticket-events): <c>type</c>
/// <c>zen:event-type:ticket.…</c>, the ticket in <c>detail</c> (ids as strings, <c>requester_id</c>, upper-case
/// <c>status</c>), the change in <c>event</c>. Read: <c>ticket.comment_added</c> (<c>event.comment</c>: id, body,
/// is_public, author.id) and <c>ticket.status_changed</c> out of SOLVED/CLOSED (a reopen, keyed like the pulled audit:
/// Unix seconds of <c>detail.updated_at</c>). Other ticket events are well formed but say nothing. The payload names
/// the requester by id only, so the handler looks up their e-mail.
/// </summary>
public static class ZendeskEvents
{
    public const string Prefix = "zen:event-type:";
    private static readonly HashSet<string> Resolved = new(["solved", "closed"], StringComparer.OrdinalIgnoreCase);

    internal static TicketWebhookEvent Read(JsonElement root)
    {
        var type = Need(root, "type")[Prefix.Length..];
        if (!type.StartsWith("ticket.", StringComparison.Ordinal)) return new("zendesk", null, null);
        var detail = Obj(root, "detail");
        var ticketId = Need(detail, "id");
        var requesterId = Need(detail, "requester_id");
        var at = Time(Need(root, "time"));
        var record = new TicketRecord(ticketId, null, at, [], null, null, []);
        var lookup = new RequesterLookup("zendesk", requesterId, null);
        var change = Obj(root, "event");
        switch (type)
        {
            case "ticket.comment_added":
                var comment = Obj(change, "comment");
                var author = Obj(comment, "author");
                var isPublic = comment.TryGetProperty("is_public", out var p) && p.ValueKind is JsonValueKind.True or JsonValueKind.False
                    ? p.GetBoolean() : throw new TicketPayloadException("missing field 'event.comment.is_public'");
                return new("zendesk", record with
                {
                    Comments = [new TicketComment(Need(comment, "id"), null, isPublic, Need(author, "id") == requesterId,
                        Str(comment, "body") ?? "", TicketBodyFormat.PlainText, at)],
                }, lookup);
            case "ticket.status_changed":
                var reopened = Str(change, "previous") is { } from && Resolved.Contains(from)
                    && !(Str(change, "current") is { } to && Resolved.Contains(to));
                if (!reopened) return new("zendesk", null, null);
                var changedAt = Str(detail, "updated_at") is { } updated ? Time(updated) : at;
                return new("zendesk", record with { Reopens = [ZendeskConnector.ReopenAt(changedAt)] }, lookup);
            default:
                return new("zendesk", null, null);
        }
    }
}
