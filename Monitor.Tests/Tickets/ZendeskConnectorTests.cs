using Monitor.Core.Signals;
using Monitor.Probes.Tickets;
using NUnit.Framework;

namespace Monitor.Tests.Tickets;

[NonParallelizable]
public sealed class ZendeskConnectorTests : TicketConnectorConformance<ZendeskOptions>
{
    [Test]
    public async Task Incremental_export_follows_the_cursor_and_maps_public_requester_comments_and_bad_ratings()
    {
        await using var server = await FakeTicketServer.StartAsync();
        server.On("/api/v2/incremental/tickets/cursor.json", ["start_time="], Reply.Json("""
            {"tickets":[{"id":35436,"requester_id":20978392,"status":"open","updated_at":"2026-01-05T10:00:00Z",
                         "satisfaction_rating":{"id":1001,"score":"bad","comment":"Nobody helped"}}],
             "users":[{"id":20978392,"email":"ann@example.com"},{"id":777,"email":"agent@example.com"}],
             "metric_sets":[{"ticket_id":35436,"reopens":2}],
             "after_cursor":"MTU3NjYxMzUzOS4wfHw0Njd8","end_of_stream":false}
            """));
        server.On("/api/v2/incremental/tickets/cursor.json", ["cursor=MTU3NjYxMzUzOS4wfHw0Njd8"], Reply.Json("""
            {"tickets":[{"id":35437,"requester_id":20978392,"status":"solved","updated_at":"2026-01-05T11:00:00Z",
                         "satisfaction_rating":{"score":"offered"}}],
             "users":[{"id":20978392,"email":"ann@example.com"}],
             "after_cursor":"next","end_of_stream":true}
            """));
        server.On("/api/v2/tickets/35436/comments.json", Reply.Json("""
            {"comments":[
              {"id":1,"type":"Comment","author_id":20978392,"body":"My laptop is dead, this is terrible","public":true,"created_at":"2026-01-05T09:00:00Z"},
              {"id":2,"type":"Comment","author_id":777,"body":"Great, we will look","public":true,"created_at":"2026-01-05T09:05:00Z"},
              {"id":3,"type":"Comment","author_id":20978392,"body":"great","public":false,"created_at":"2026-01-05T09:06:00Z"}],
             "users":[{"id":20978392,"email":"ann@example.com"},{"id":777,"email":"agent@example.com"}],
             "next_page":null}
            """));
        server.On("/api/v2/tickets/35437/comments.json", Reply.Json("""{"comments":[],"next_page":null}"""));
        using var harness = new TicketHarness("Zendesk", server.BaseUrl, new() { ["Email"] = "svc@example.com", ["ApiToken"] = "t" }, "ann@example.com");

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(harness.Sink.Signals.Select(s => (s.Kind, s.Source, s.Score)).OrderBy(s => s.Source), Is.EqualTo(new[]
        {
            (SignalKinds.TicketSentiment, "zendesk:35436:comment:1", -0.8),
            (SignalKinds.TicketCsat, "zendesk:35436:csat:1001", -1.0),
            (SignalKinds.TicketReopened, "zendesk:35436:reopened:1", -0.6),
            (SignalKinds.TicketReopened, "zendesk:35436:reopened:2", -0.6),
        }));
        Assert.That(harness.Watermarks.Values["tickets_zendesk"], Is.EqualTo("2026-01-05T11:00:00.0000000+00:00"));
    }

    private const string IsoTime = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    protected override string Section => "Zendesk";

    protected override IReadOnlyDictionary<string, string> Credentials { get; } =
        new Dictionary<string, string> { ["Email"] = "svc@example.com", ["ApiToken"] = "t" };

    // Zendesk's answer to a wrong API token (developer.zendesk.com, "Security and authentication").
    protected override Reply Unauthorized { get; } = new(401, """{"error":"Couldn't authenticate you"}""");

    protected override string CommentSource(ConformanceTicket ticket) => $"zendesk:{500 + ticket.Number}:comment:{900 + ticket.Number}";

    /// <summary>
    /// GET /api/v2/incremental/tickets/cursor.json (start_time, then after_cursor until end_of_stream, users
    /// side-loaded) and GET /api/v2/tickets/{id}/comments.json, per developer.zendesk.com "Incremental Exports" and
    /// "Ticket Comments". The malformed ticket's comments are cut off.
    /// </summary>
    protected override void Serve(FakeTicketServer server, IReadOnlyList<ConformanceTicket> tickets, int pageSize, int? malformed = null)
    {
        const string users = """[{"id":20978392,"email":"ann@example.com"}]""";
        var pages = tickets.Chunk(pageSize).ToList();
        for (var i = 0; i < pages.Count; i++)
        {
            var rows = string.Join(",", pages[i].Select(t =>
                $$"""{"id":{{500 + t.Number}},"requester_id":20978392,"status":"open","updated_at":"{{t.Updated(IsoTime)}}"}"""));
            var last = i == pages.Count - 1;
            server.On("/api/v2/incremental/tickets/cursor.json", [i == 0 ? "start_time=" : $"cursor=page{i}&"], Reply.Json($$"""
                {"tickets":[{{rows}}],"users":{{users}},"after_cursor":"page{{i + 1}}","end_of_stream":{{(last ? "true" : "false")}}}
                """));
        }
        foreach (var t in tickets)
        {
            var comments = t.Number == malformed
                ? """{"comments":[{"id":9"""
                : $$"""
                  {"comments":[{"id":{{900 + t.Number}},"type":"Comment","author_id":20978392,"body":"{{t.Comment}}","public":true,
                   "created_at":"{{t.Updated(IsoTime)}}"}],"users":{{users}},"next_page":null}
                  """;
            server.On($"/api/v2/tickets/{500 + t.Number}/comments.json", Reply.Json(comments));
        }
    }
}
