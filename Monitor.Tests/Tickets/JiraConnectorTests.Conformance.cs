namespace Monitor.Tests.Tickets;

/// <summary>Jira Service Management's documented shapes for the connector conformance suite.</summary>
public sealed partial class JiraConnectorTests
{
    private const string JiraTime = "yyyy-MM-dd'T'HH:mm:ss'.000+0000'";

    protected override string Section => "Jira";

    protected override IReadOnlyDictionary<string, string> Credentials { get; } =
        new Dictionary<string, string> { ["Email"] = "svc@example.com", ["ApiToken"] = "token" };

    // Atlassian's answer to missing or wrong basic credentials (REST API v3, "Authentication" errors).
    protected override Reply Unauthorized { get; } =
        new(401, """{"errorMessages":["Client must be authenticated to access this resource."],"errors":{}}""");

    protected override string CommentSource(ConformanceTicket ticket) => $"jira:CONF-{ticket.Number}:comment:{100 + ticket.Number}";

    /// <summary>
    /// GET /rest/api/3/search (startAt/maxResults/total paging, "updated ASC" as the JQL asks) and
    /// GET /rest/api/3/issue/{key}/comment with ADF bodies, per developer.atlassian.com/cloud/jira/platform/rest/v3
    /// (api-group-issue-search, api-group-issue-comments); no feedback or SLA: those answer 404.
    /// The malformed ticket's comment page is cut off mid-JSON.
    /// </summary>
    protected override void Serve(FakeTicketServer server, IReadOnlyList<ConformanceTicket> tickets, int pageSize, int? malformed = null)
    {
        server.On("/rest/api/3/myself", Reply.Json("""{"accountId":"svc","timeZone":"UTC"}"""));
        foreach (var page in tickets.Chunk(pageSize).Select((chunk, i) => (Issues: chunk, StartAt: i * pageSize)))
        {
            var issues = string.Join(",", page.Issues.Select(t => $$"""
                {"id":"{{10000 + t.Number}}","key":"CONF-{{t.Number}}","fields":{"updated":"{{t.Updated(JiraTime)}}",
                 "reporter":{"accountId":"acc-ann","emailAddress":"{{ConformanceTicket.RequesterEmail}}"},"status":{"name":"Open"} } }
                """));
            server.On("/rest/api/3/search", [$"startAt={page.StartAt}&"], Reply.Json(
                $$"""{"startAt":{{page.StartAt}},"maxResults":{{pageSize}},"total":{{tickets.Count}},"issues":[{{issues}}]}"""));
        }
        foreach (var t in tickets)
        {
            var comments = t.Number == malformed
                ? """{"startAt":0,"maxResults":50,"total":1,"comments":[{"id":"10"""
                : $$"""
                  {"startAt":0,"maxResults":50,"total":1,"comments":[{"id":"{{100 + t.Number}}",
                   "author":{"accountId":"acc-ann","emailAddress":"{{ConformanceTicket.RequesterEmail}}"},
                   "body":{"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"{{t.Comment}}"}]}]},
                   "created":"{{t.Updated(JiraTime)}}","jsdPublic":true}]}
                  """;
            server.On($"/rest/api/3/issue/CONF-{t.Number}/comment", Reply.Json(comments));
        }
    }
}
