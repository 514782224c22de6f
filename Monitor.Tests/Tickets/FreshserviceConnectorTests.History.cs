using Monitor.Core.Signals;
using NUnit.Framework;

namespace Monitor.Tests.Tickets;

/// <summary>Freshservice reopens from the ticket's activities and SLA breaches dated at the deadline that passed.</summary>
public sealed partial class FreshserviceConnectorTests
{
    /// <summary>
    /// GET /api/v2/tickets/{id}/activities as api.freshservice.com documents it ("Get Ticket Activity",
    /// https://api.freshservice.com/#get_ticket_activities, read from a public scrape of that page,
    /// github.com/ktj709/API-scraping-freshservice data/raw_freshservice_docs.json): "activities" newest first, each
    /// {"actor":{"id","name"},"content","sub_contents":[…],"created_at"}, the field changes worded "set Status as Open"
    /// (in content, comma-separated, or in sub_contents), and "next_page_url" for older ones. The wording and shape are
    /// the vendor's; the ids, names, times and this ticket's status changes are this test's.
    /// </summary>
    private const string Activities = """
        {"activities":[
          {"actor":{"id":90,"name":"Rachel"},"content":" updated the ticket","sub_contents":["set Status as Closed"],
           "created_at":"2026-01-05T09:40:00Z"},
          {"actor":{"id":50,"name":"Ann"},"content":" replied to the ticket","sub_contents":["set Status as Open"],
           "created_at":"2026-01-04T08:15:00Z"},
          {"actor":{"id":90,"name":"Rachel"},"content":" set Status as Resolved","sub_contents":[],
           "created_at":"2026-01-03T16:00:00Z"},
          {"actor":{"id":90,"name":"Rachel"},"content":" set Priority as High","sub_contents":[],
           "created_at":"2026-01-03T10:05:00Z"},
          {"actor":{"id":50,"name":"Ann"},
           "content":"created ticket for Laptop dead,  set Status as Open, set Urgency as Low, set Priority as Medium",
           "sub_contents":["System executed Default SLA Policy (SLA)"],"created_at":"2026-01-03T10:00:00Z"}]}
        """;

    [Test]
    public async Task A_status_set_open_after_resolved_is_a_reopen_dated_by_its_activity()
    {
        await using var server = await FakeTicketServer.StartAsync();
        ServeTickets(server, Ticket(1, "2026-01-05T10:00:00Z"));
        server.On("/api/v2/tickets/1/conversations", Reply.Json("""{"conversations":[]}"""));
        server.On("/api/v2/tickets/1/activities", Reply.Json(Activities));
        using var harness = Harness(server);

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        var reopen = harness.Sink.Signals.Single();
        var at = new DateTimeOffset(2026, 1, 4, 8, 15, 0, TimeSpan.Zero);
        Assert.That((reopen.Kind, reopen.Source, reopen.ObservedAt),
            Is.EqualTo((SignalKinds.TicketReopened, $"freshservice:1:reopened:{at.ToUnixTimeMilliseconds()}", at)));
    }

    [Test]
    public async Task Unreadable_activities_reject_the_reopens_alone()
    {
        await using var server = await FakeTicketServer.StartAsync();
        ServeTickets(server, Ticket(1, "2026-01-05T10:00:00Z", escalated: true));
        server.On("/api/v2/tickets/1/conversations", Reply.Json("""{"conversations":[]}"""));
        server.On("/api/v2/tickets/1/activities", Reply.Json("""{"activities":[{"actor":{"id":90}"""));
        using var harness = Harness(server);
        var before = TicketHarness.Rejected(Probe);

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(TicketHarness.Rejected(Probe) - before, Is.EqualTo(1));
        Assert.That(harness.Sink.Signals.Select(s => s.Source), Is.EqualTo(new[] { "freshservice:1:sla_breached" }));
    }

    /// <summary>
    /// Ticket fields per api.freshservice.com "Tickets": due_by / fr_due_by are the resolution and first-response deadlines,
    /// is_escalated / fr_escalated say they were missed.
    /// </summary>
    [TestCase(true, false, "2026-01-04T17:00:00Z", "2026-01-03T12:00:00Z", "2026-01-04T17:00:00Z")]
    [TestCase(true, true, "2026-01-04T17:00:00Z", "2026-01-03T12:00:00Z", "2026-01-03T12:00:00Z")]
    [TestCase(false, true, "2026-01-04T17:00:00Z", "2026-01-03T12:00:00Z", "2026-01-03T12:00:00Z")]
    [TestCase(true, false, "2026-01-09T17:00:00Z", "2026-01-03T12:00:00Z", "2026-01-05T10:00:00Z")]
    public async Task An_sla_breach_is_dated_at_the_deadline_that_passed(
        bool escalated, bool firstResponseEscalated, string dueBy, string firstResponseDueBy, string expected)
    {
        await using var server = await FakeTicketServer.StartAsync();
        server.On("/api/v2/tickets", ["page=1"], Reply.Json($$$"""
            {"tickets":[{"id":1,"requester_id":50,"updated_at":"2026-01-05T10:00:00Z",
              "is_escalated":{{{(escalated ? "true" : "false")}}},"fr_escalated":{{{(firstResponseEscalated ? "true" : "false")}}},
              "due_by":"{{{dueBy}}}","fr_due_by":"{{{firstResponseDueBy}}}","requester":{"id":50,"email":"ann@example.com"}}]}
            """));
        server.On("/api/v2/tickets/1/conversations", Reply.Json("""{"conversations":[]}"""));
        using var harness = Harness(server);

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        var breach = harness.Sink.Signals.Single();
        Assert.That((breach.Kind, breach.ObservedAt), Is.EqualTo((SignalKinds.TicketSlaBreached, DateTimeOffset.Parse(expected,
            System.Globalization.CultureInfo.InvariantCulture))));
    }
}
