using Monitor.Core.Signals;
using NUnit.Framework;

namespace Monitor.Tests.Tickets;

/// <summary>Zendesk SLA breaches of tickets the run's export does not hold.</summary>
public sealed partial class ZendeskConnectorTests
{
    /// <summary>
    /// An SLA runs out by the clock, so the breached ticket need not be updated, nor in the incremental export. Shapes per
    /// developer.zendesk.com/api-reference: "Ticket Metric Events" (type breach), "Tickets" → "Show Many Tickets"
    /// (GET /api/v2/tickets/show_many.json?ids=…, sideloading users); ids and times are this test's.
    /// </summary>
    [Test]
    public async Task A_breach_of_a_ticket_outside_the_export_is_read_through_show_many()
    {
        await using var server = await FakeTicketServer.StartAsync();
        server.On("/api/v2/incremental/tickets/cursor.json", Reply.Json("""
            {"tickets":[{"id":35436,"requester_id":20978392,"status":"open","updated_at":"2026-01-05T10:00:00Z"}],
             "users":[{"id":20978392,"email":"ann@example.com"}],"after_cursor":"x","end_of_stream":true}
            """));
        server.On("/api/v2/incremental/ticket_metric_events", Reply.Json("""
            {"ticket_metric_events":[
              {"id":926232757371,"ticket_id":35436,"metric":"reply_time","instance_id":1,"type":"breach","time":"2026-01-05T09:00:00Z"},
              {"id":926232757380,"ticket_id":40001,"metric":"requester_wait_time","instance_id":1,"type":"breach",
               "time":"2026-01-05T09:30:00Z"}],
             "next_page":null,"count":2,"end_of_stream":true}
            """));
        server.On("/api/v2/tickets/show_many.json", ["ids=40001"], Reply.Json("""
            {"tickets":[{"id":40001,"requester_id":20978392,"status":"pending","updated_at":"2026-01-04T16:00:00Z"}],
             "users":[{"id":20978392,"email":"ann@example.com"}]}
            """));
        foreach (var id in new[] { 35436, 40001 })
        {
            server.On($"/api/v2/tickets/{id}/comments.json", Reply.Json("""{"comments":[],"next_page":null}"""));
            server.On($"/api/v2/tickets/{id}/audits.json", Reply.Json(NoAudits));
        }
        using var harness = ZendeskHarness(server);

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(harness.Sink.Signals.Select(s => (s.Kind, s.Source, s.ObservedAt)).OrderBy(s => s.Source), Is.EqualTo(new[]
        {
            (SignalKinds.TicketSlaBreached, "zendesk:35436:sla_breached", new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero)),
            (SignalKinds.TicketSlaBreached, "zendesk:40001:sla_breached", new DateTimeOffset(2026, 1, 5, 9, 30, 0, TimeSpan.Zero)),
        }));
        Assert.That(server.Count("/api/v2/tickets/show_many.json"), Is.EqualTo(1));
        Assert.That(harness.Watermarks.Values["tickets_zendesk"], Is.EqualTo("2026-01-05T10:00:00.0000000+00:00"),
            "the older ticket read for its breach does not move the watermark back");
    }
}
