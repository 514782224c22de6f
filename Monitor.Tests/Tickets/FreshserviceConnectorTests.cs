using Monitor.Core.Signals;
using NUnit.Framework;

namespace Monitor.Tests.Tickets;

[NonParallelizable]
public sealed class FreshserviceConnectorTests
{
    [Test]
    public async Task Html_conversations_private_notes_and_csat_are_mapped_in_update_order()
    {
        await using var server = await FakeTicketServer.StartAsync();
        // Freshservice lists by creation: the later-updated ticket comes first.
        server.On("/api/v2/tickets", ["page=1"], Reply.Json("""
            {"tickets":[
              {"id":2,"requester_id":50,"updated_at":"2026-01-05T11:00:00Z","is_escalated":false,"requester":{"id":50,"email":"ann@example.com"}},
              {"id":1,"requester_id":50,"updated_at":"2026-01-05T10:00:00Z","is_escalated":true,"requester":{"id":50,"email":"ann@example.com"}}]}
            """));
        server.On("/api/v2/tickets/1/conversations", Reply.Json("""
            {"conversations":[
              {"id":11,"user_id":50,"body":"<div>Thanks, <b>great</b> work</div>","body_text":"Thanks, great work","incoming":true,"private":false,"created_at":"2026-01-05T09:00:00Z"},
              {"id":12,"user_id":90,"body":"<div>requester sounds angry</div>","incoming":false,"private":true,"created_at":"2026-01-05T09:01:00Z"}]}
            """));
        server.On("/api/v2/tickets/2/conversations", Reply.Json("""{"conversations":[]}"""));
        server.On("/api/v2/tickets/2/csat_response", Reply.Json("""
            {"csat_response":{"id":4242,"overall_rating":103,"overall_rating_text":"Unhappy","score":{"acquired_score":1,"total_score":4},
             "created_at":"2026-01-05T10:59:00Z","questionnaire_responses":[]}}
            """));
        using var harness = new TicketHarness("Freshservice", server.BaseUrl, new() { ["ApiKey"] = "key", ["PageSize"] = "50" }, "ann@example.com");

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        var signals = harness.Sink.Signals.OrderBy(s => s.Source).ToList();
        Assert.That(signals.Select(s => (s.Kind, s.Source, s.Score)), Is.EqualTo(new[]
        {
            (SignalKinds.TicketSentiment, "freshservice:1:comment:11", 0.8),
            (SignalKinds.TicketSlaBreached, "freshservice:1:sla_breached", -0.4),
            (SignalKinds.TicketCsat, "freshservice:2:csat:4242", -1.0),
        }));
        Assert.That(signals[0].Comment, Is.EqualTo("<div>Thanks, <b>great</b> work</div>"), "HTML is handed on unchanged to the text seam");
        Assert.That(server.Requests.Any(r => r.PathAndQuery.Contains("updated_since=") && r.PathAndQuery.Contains("include=requester")));
    }
}
