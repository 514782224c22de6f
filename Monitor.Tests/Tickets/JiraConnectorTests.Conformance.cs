using Monitor.Probes.Tickets;
using NUnit.Framework;

namespace Monitor.Tests.Tickets;

/// <summary>Jira Cloud's documented shapes (REST v3, enhanced JQL search) for the connector conformance suite.</summary>
public sealed partial class JiraConnectorTests
{
    private const string JiraTime = "yyyy-MM-dd'T'HH:mm:ss'.000+0000'";

    protected override string Section => "Jira";

    protected override IReadOnlyDictionary<string, string> Credentials { get; } =
        new Dictionary<string, string> { ["Email"] = "svc@example.com", ["ApiToken"] = "token" };

    // The fake listens on 127.0.0.1, so the URL says nothing: the deployment is set.
    protected override IReadOnlyDictionary<string, string> Settings { get; } =
        new Dictionary<string, string> { ["Deployment"] = "Cloud" };

    // Atlassian's answer to missing or wrong basic credentials (REST API v3, "Authentication" errors).
    protected override Reply Unauthorized { get; } =
        new(401, """{"errorMessages":["Client must be authenticated to access this resource."],"errors":{}}""");

    // developer.atlassian.com/cloud/jira/platform/rate-limiting (quoted in JRACLOUD-69262): "429 responses may be
    // accompanied by Retry-After and X-RateLimit-Reset headers"; X-RateLimit-Reset is "the timestamp (in ISO 8601 format)
    // when the rate limit will reset ... in the format: yyyy-MM-ddTHH:mmZ", with RateLimit-Reason naming the limit. Here
    // without Retry-After, the reset two minutes on (MaxRetryAfter, 3 s in the tests, cuts the wait).
    protected override Reply? RateLimitedWithWindowReset => new(429, "", Headers: new Dictionary<string, string>
    {
        ["X-RateLimit-Reset"] = DateTimeOffset.UtcNow.AddMinutes(2).ToString("yyyy-MM-dd'T'HH:mm'Z'", System.Globalization.CultureInfo.InvariantCulture),
        ["RateLimit-Reason"] = "jira-burst-based",
    });

    protected override string CommentSource(ConformanceTicket ticket) => $"jira:CONF-{ticket.Number}:comment:{100 + ticket.Number}";

    /// <summary>
    /// GET /rest/api/3/search/jql, shaped like the example of "Search for issues using JQL enhanced search (GET)"
    /// (developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search, SearchAndReconcileResults: issues,
    /// nextPageToken, isLast; no total), and GET /rest/api/3/issue/{key}/comment with ADF bodies
    /// (api-group-issue-comments, PageOfComments). The last page has isLast and no token. No feedback or SLA: 404.
    /// </summary>
    protected override void Serve(FakeTicketServer server, IReadOnlyList<ConformanceTicket> tickets, int pageSize, int? malformed = null)
    {
        server.On("/rest/api/3/myself", Reply.Json("""{"accountId":"svc","timeZone":"UTC"}"""));
        var pages = tickets.Chunk(pageSize).ToList();
        for (var i = 0; i < pages.Count; i++)
        {
            var issues = string.Join(",", pages[i].Select(t => JiraIssue(t)));
            var last = i == pages.Count - 1;
            var tail = last ? "\"isLast\":true" : $"\"nextPageToken\":\"tok-{i + 1}\",\"isLast\":false";
            // The first page is asked without a token; later pages' routes are more specific and win.
            server.On("/rest/api/3/search/jql", i == 0 ? [] : [$"nextPageToken=tok-{i}"],
                Reply.Json($$"""{"issues":[{{issues}}],{{tail}} }"""));
        }
        ServeComments(server, "/rest/api/3", tickets, malformed, adf: true);
    }

    internal static string JiraIssue(ConformanceTicket t) => $$"""
        {"expand":"","id":"{{10000 + t.Number}}","key":"CONF-{{t.Number}}","self":"https://your-domain.atlassian.net/rest/api/3/issue/{{10000 + t.Number}}",
         "fields":{"updated":"{{t.Updated(JiraTime)}}","status":{"name":"Open"},
          "reporter":{"accountId":"acc-ann","emailAddress":"{{ConformanceTicket.RequesterEmail}}","key":"JIRAUSER10100","name":"ann"} } }
        """;

    /// <summary>Comments as v3 (ADF bodies, Cloud accountIds) or v2 (text bodies, Data Center user keys) answers them.</summary>
    internal static void ServeComments(FakeTicketServer server, string api, IReadOnlyList<ConformanceTicket> tickets, int? malformed,
        bool adf)
    {
        foreach (var t in tickets)
        {
            var body = adf
                ? $$"""{"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"{{t.Comment}}"}]}]}"""
                : $"\"{t.Comment}\"";
            var comments = t.Number == malformed
                ? """{"startAt":0,"maxResults":50,"total":1,"comments":[{"id":"10"""
                : $$"""
                  {"startAt":0,"maxResults":50,"total":1,"comments":[{"id":"{{100 + t.Number}}",
                   "author":{{{(adf ? "\"accountId\":\"acc-ann\"," : "")}}"key":"JIRAUSER10100","name":"ann","emailAddress":"{{ConformanceTicket.RequesterEmail}}"},
                   "body":{{body}},"created":"{{t.Updated(JiraTime)}}","jsdPublic":true}]}
                  """;
            server.On($"{api}/issue/CONF-{t.Number}/comment", Reply.Json(comments));
        }
    }
}

/// <summary>
/// Jira Data Center's documented shapes (REST v2: /rest/api/2/search with startAt/maxResults/total, plain-text
/// comment bodies; docs.atlassian.com/software/jira/docs/api/REST/9.12.0, "api/2/search" and "api/2/issue/{key}/comment"),
/// users identified by key/name.
/// </summary>
[NonParallelizable]
public sealed class JiraDataCenterConnectorTests : TicketConnectorConformance<JiraOptions>
{
    protected override string Section => "Jira";

    protected override IReadOnlyDictionary<string, string> Credentials { get; } =
        new Dictionary<string, string> { ["Email"] = "svc", ["ApiToken"] = "personal-access-token" };

    protected override IReadOnlyDictionary<string, string> Settings { get; } =
        new Dictionary<string, string> { ["Deployment"] = "DataCenter" };

    protected override Reply Unauthorized { get; } = new(401, """{"errorMessages":["You are not authenticated."],"errors":{}}""");

    protected override string CommentSource(ConformanceTicket ticket) => $"jira:CONF-{ticket.Number}:comment:{100 + ticket.Number}";

    protected override void Serve(FakeTicketServer server, IReadOnlyList<ConformanceTicket> tickets, int pageSize, int? malformed = null)
    {
        server.On("/rest/api/2/myself", Reply.Json("""{"key":"JIRAUSER10000","name":"svc","timeZone":"UTC"}"""));
        foreach (var page in tickets.Chunk(pageSize).Select((chunk, i) => (Issues: chunk, StartAt: i * pageSize)))
        {
            var issues = string.Join(",",
                page.Issues.Select(t => JiraConnectorTests.JiraIssue(t).Replace("\"accountId\":\"acc-ann\",", "")));
            server.On("/rest/api/2/search", [$"startAt={page.StartAt}&"], Reply.Json(
                $$"""{"expand":"schema,names","startAt":{{page.StartAt}},"maxResults":{{pageSize}},"total":{{tickets.Count}},"issues":[{{issues}}]}"""));
        }
        JiraConnectorTests.ServeComments(server, "/rest/api/2", tickets, malformed, adf: false);
    }

    /// <summary>
    /// Jira Cloud's answer to the removed search (Atlassian CHANGE-2046), as recorded in github.com/pycontribs/jira#2379
    /// and github.com/atlassian/atlassian-mcp-server#70: 410 Gone with this body.
    /// </summary>
    [Test]
    public async Task A_cloud_site_taken_for_data_center_fails_saying_which_setting_to_change()
    {
        await using var server = await FakeTicketServer.StartAsync();
        server.On("/rest/api/2/myself", Reply.Json("""{"accountId":"5b10a2844c20165700ede21g","timeZone":"UTC"}"""));
        server.On("/rest/api/2/search", new Reply(410, """
            {"errorMessages":["The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046"],"errors":{}}
            """));
        using var harness = new TicketHarness("Jira", server.BaseUrl, new()
        {
            ["Email"] = "svc@example.com", ["ApiToken"] = "t", ["Deployment"] = "DataCenter",
        });

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.False);
        Assert.That(result.Message, Does.Contain("HTTP 410").And.Contain("set Tickets:Jira:Deployment to Cloud"));
        Assert.That(server.Count("/rest/api/2/search"), Is.EqualTo(1), "a removed API is not retried");
    }

    [Test]
    public void The_deployment_defaults_from_the_URL_and_a_wrong_one_is_refused()
    {
        Assert.That(new JiraOptions { BaseUrl = "https://acme.atlassian.net" }.IsCloud, Is.True);
        Assert.That(new JiraOptions { BaseUrl = "https://jira.acme.example" }.IsCloud, Is.False);
        Assert.That(new JiraOptions { BaseUrl = "https://jira.acme.example", Deployment = "cloud" }.IsCloud, Is.True);
        var validator = new TicketSystemOptionsValidator<JiraOptions>("Tickets:Jira");
        var result = validator.Validate(null, new JiraOptions
        {
            Enabled = true, BaseUrl = "https://jira.acme.example", Email = "svc", ApiToken = "t", Deployment = "Server",
        });
        Assert.That(result.Failures,
            Is.EqualTo(new[] { "Tickets:Jira:Deployment 'Server' must be Cloud or DataCenter (or empty: from the URL)" }));
    }
}
