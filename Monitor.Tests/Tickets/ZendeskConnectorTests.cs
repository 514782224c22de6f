using Monitor.Core.Signals;
using Monitor.Probes.Tickets;
using NUnit.Framework;

namespace Monitor.Tests.Tickets;

[NonParallelizable]
public sealed partial class ZendeskConnectorTests : TicketConnectorConformance<ZendeskOptions>
{
    private const string IsoTime = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    protected override string Section => "Zendesk";

    protected override IReadOnlyDictionary<string, string> Credentials { get; } =
        new Dictionary<string, string> { ["Email"] = "svc@example.com", ["ApiToken"] = "t" };

    // Zendesk's answer to a wrong API token (developer.zendesk.com, "Security and authentication").
    protected override Reply Unauthorized { get; } = new(401, """{"error":"Couldn't authenticate you"}""");

    // developer.zendesk.com "Best practices for avoiding rate limiting": list endpoints answer with
    // "ratelimit-limit: 700", "ratelimit-remaining: 699", "ratelimit-reset: 41" (seconds); support.zendesk.com community
    // post 4887103531674 ("Retrieve Retry-After on 429") shows a 429 whose headers carry no Retry-After.
    protected override Reply? RateLimitedWithWindowReset { get; } = new(429, "Number of allowed API requests per minute exceeded",
        Headers: new Dictionary<string, string> { ["ratelimit-limit"] = "700", ["ratelimit-remaining"] = "0", ["ratelimit-reset"] = "1" });

    protected override string CommentSource(ConformanceTicket ticket) => $"zendesk:{500 + ticket.Number}:comment:{900 + ticket.Number}";

    // developer.zendesk.com/api-reference/ticketing/tickets/ticket_audits ("List Audits for a Ticket": audits, next_page,
    // previous_page, count) and .../ticket-management/incremental_exports ("Incremental Ticket Metric Event Export":
    // ticket_metric_events, next_page, count, end_of_stream), with nothing in them.
    private const string NoAudits = """{"audits":[],"next_page":null,"previous_page":null,"count":0}""";
    private const string NoMetricEvents = """{"ticket_metric_events":[],"next_page":null,"count":0,"end_of_stream":true}""";

    /// <summary>
    /// GET /api/v2/incremental/tickets/cursor.json (start_time, then after_cursor until end_of_stream, users
    /// side-loaded), GET /api/v2/tickets/{id}/comments.json and /audits.json, and the ticket metric events, per
    /// developer.zendesk.com "Incremental Exports", "Ticket Comments" and "Ticket Audits". The malformed ticket's
    /// comments are cut off.
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
            server.On($"/api/v2/tickets/{500 + t.Number}/audits.json", Reply.Json(NoAudits));
        }
        server.On("/api/v2/incremental/ticket_metric_events", Reply.Json(NoMetricEvents));
    }
}
