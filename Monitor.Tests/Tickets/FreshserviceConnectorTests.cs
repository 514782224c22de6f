using Monitor.Core.Signals;
using Monitor.Probes.Tickets;
using NUnit.Framework;

namespace Monitor.Tests.Tickets;

[NonParallelizable]
public sealed partial class FreshserviceConnectorTests : TicketConnectorConformance<FreshserviceOptions>
{
    [Test]
    public async Task Html_conversations_private_notes_and_csat_are_mapped_in_update_order()
    {
        await using var server = await FakeTicketServer.StartAsync();
        // Freshservice lists by creation: the later-updated ticket comes first.
        server.On("/api/v2/tickets", ["page=1"], Reply.Json("""
            {"tickets":[
              {"id":2,"requester_id":50,"updated_at":"2026-01-05T11:00:00Z","is_escalated":false,"requester":{"id":50,
                "email":"ann@example.com"}},
              {"id":1,"requester_id":50,"updated_at":"2026-01-05T10:00:00Z","is_escalated":true,"requester":{"id":50,
                "email":"ann@example.com"}}]}
            """));
        server.On("/api/v2/tickets/1/conversations", Reply.Json("""
            {"conversations":[
              {"id":11,"user_id":50,"body":"<div>Thanks, <b>great</b> work</div>","body_text":"Thanks, great work","incoming":true,
                "private":false,"created_at":"2026-01-05T09:00:00Z"},
              {"id":12,"user_id":90,"body":"<div>requester sounds angry</div>","incoming":false,"private":true,
                "created_at":"2026-01-05T09:01:00Z"}]}
            """));
        server.On("/api/v2/tickets/2/conversations", Reply.Json("""{"conversations":[]}"""));
        server.On("/api/v2/tickets/2/csat_response", Reply.Json("""
            {"csat_response":{"id":4242,"overall_rating":103,"overall_rating_text":"Unhappy","score":{"acquired_score":1,"total_score":4},
             "created_at":"2026-01-05T10:59:00Z","questionnaire_responses":[]}}
            """));
        using var harness = new TicketHarness("Freshservice", server.BaseUrl,
            new() { ["ApiKey"] = "key", ["PageSize"] = "50" }, "ann@example.com");

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        var signals = harness.Sink.Signals.OrderBy(s => s.Source).ToList();
        Assert.That(signals.Select(s => (s.Kind, s.Source, s.Score)), Is.EqualTo(new[]
        {
            (SignalKinds.TicketSentiment, "freshservice:1:comment:11", 0.8),
            (SignalKinds.TicketSlaBreached, "freshservice:1:sla_breached", -0.4),
            (SignalKinds.TicketCsat, "freshservice:2:csat:4242", -1.0),
        }));
        Assert.That(signals[0].Comment, Is.EqualTo("Thanks, great work"), "the production text path turns HTML into its text");
        Assert.That(server.Requests.Any(r => r.PathAndQuery.Contains("updated_since=") && r.PathAndQuery.Contains("include=requester")));
    }

    private const string IsoTime = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    protected override string Section => "Freshservice";

    protected override IReadOnlyDictionary<string, string> Credentials { get; } = new Dictionary<string, string> { ["ApiKey"] = "key" };

    // Freshservice's answer to a wrong API key (api.freshservice.com, "Error Codes": 401 Authentication Failure).
    protected override Reply Unauthorized { get; } =
        new(401, """{"code":"invalid_credentials","message":"You have to be logged in to perform this action."}""");

    protected override string CommentSource(ConformanceTicket ticket) => $"freshservice:{ticket.Number}:comment:{70 + ticket.Number}";

    /// <summary>
    /// GET /api/v2/tickets?updated_since=…&amp;include=requester (page/per_page; a short page is the last; listed
    /// newest-created first, here the reverse of update order) and GET /api/v2/tickets/{id}/conversations, per
    /// api.freshservice.com "Tickets" and "Conversations". The malformed ticket's conversations are cut off.
    /// </summary>
    protected override void Serve(FakeTicketServer server, IReadOnlyList<ConformanceTicket> tickets, int pageSize, int? malformed = null)
    {
        var pages = tickets.Reverse().Chunk(pageSize).ToList();
        for (var i = 0; i < pages.Count; i++)
        {
            var rows = string.Join(",", pages[i].Select(t => $$"""
                {"id":{{t.Number}},"requester_id":50,"updated_at":"{{t.Updated(IsoTime)}}","is_escalated":false,
                 "requester":{"id":50,"email":"{{ConformanceTicket.RequesterEmail}}"} }
                """));
            server.On("/api/v2/tickets", [$"&page={i + 1}&"], Reply.Json($$"""{"tickets":[{{rows}}]}"""));
        }
        foreach (var t in tickets)
        {
            var conversations = t.Number == malformed
                ? """{"conversations":[{"id":7"""
                : $$"""
                  {"conversations":[{"id":{{70 + t.Number}},"user_id":50,"body":"<div>{{t.Comment}}</div>","body_text":"{{t.Comment}}",
                   "incoming":true,"private":false,"created_at":"{{t.Updated(IsoTime)}}"}]}
                  """;
            server.On($"/api/v2/tickets/{t.Number}/conversations", Reply.Json(conversations));
        }
    }
}
