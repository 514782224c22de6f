using System.Text;
using Monitor.Probes.Tickets.Webhooks;
using NUnit.Framework;

namespace Monitor.Tests.Tickets;

/// <summary>
/// Zendesk's webhook event types (developer.zendesk.com "Webhooks: ticket events") have no satisfaction event; a rating is
/// pushed by a trigger on "Satisfaction | Changed to | Good" (or Bad) whose webhook sends the generic body. The trigger
/// writes the rating literally, the person's words with the <c>{{satisfaction.current_comment}}</c> placeholder and the
/// time with <c>{{ticket.updated_at_with_timestamp}}</c> (UTC, to the minute: <c>2026-01-04T12:00Z</c>).
/// </summary>
public sealed class ZendeskCsatWebhookTests
{
    private static (string System, Monitor.Probes.Tickets.TicketRecord? Ticket) Parse(string body) =>
        TicketWebhookPayload.Parse("zendesk", Encoding.UTF8.GetBytes(body));

    [Test]
    public void A_trigger_rating_keeps_the_persons_words_and_any_case()
    {
        var (system, ticket) = Parse("""
            {"system":"zendesk","ticket_id":"35436","requester_email":"ann@example.com","event":"csat","rating":"Bad",
             "rating_id":"1001","rating_comment":"  Nobody called me back  ","occurred_at":"2026-01-04T12:00Z"}
            """);

        Assert.That(system, Is.EqualTo("zendesk"));
        var csat = ticket!.Satisfaction!;
        // Keyed by the score like the pulled rating (ZendeskConnector.RatingKey), whatever id the body carries.
        Assert.That((csat.Score, csat.Key, csat.Comment), Is.EqualTo((-1.0, "bad", "Nobody called me back")));
        Assert.That(csat.At, Is.EqualTo(new DateTimeOffset(2026, 1, 4, 12, 0, 0, TimeSpan.Zero)),
            "{{ticket.updated_at_with_timestamp}} renders to the minute");
    }

    [TestCase("")]
    [TestCase("   ")]
    public void An_empty_comment_placeholder_is_no_comment(string words)
    {
        var (_, ticket) = Parse($$"""
            {"system":"zendesk","ticket_id":"35436","requester_email":"ann@example.com","event":"csat","rating":"good",
             "rating_comment":"{{words}}","occurred_at":"2026-01-04T12:00:00Z"}
            """);

        Assert.That(ticket!.Satisfaction!.Comment, Is.Null);
        Assert.That(ticket.Satisfaction.Score, Is.EqualTo(1.0));
    }

    [Test]
    public void An_offered_rating_says_nothing()
    {
        var (_, ticket) = Parse("""
            {"system":"zendesk","ticket_id":"35436","requester_email":"ann@example.com","event":"csat","rating":"Offered",
             "occurred_at":"2026-01-04T12:00:00Z"}
            """);

        Assert.That(ticket, Is.Null);
    }
}
