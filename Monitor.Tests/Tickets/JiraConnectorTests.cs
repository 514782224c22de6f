using System.Diagnostics;
using NUnit.Framework;
using Monitor.Core.Signals;
using Monitor.Probes.Tickets;

namespace Monitor.Tests.Tickets;

/// <summary>
/// Jira Cloud as developer.atlassian.com documents REST v3 ("Issue search": GET /rest/api/3/search/jql with issues,
/// nextPageToken, isLast; "Issue comments": ADF body, jsdPublic; "Myself": timeZone) and the Service Management API
/// (/rest/servicedeskapi/request/{key}/feedback and /sla); the keys, ids, names and times are the tests'.
/// </summary>
[NonParallelizable]
public sealed partial class JiraConnectorTests : TicketConnectorConformance<JiraOptions>
{
    private const string Probe = "tickets_jira";
    private FakeTicketServer _server = null!;

    [SetUp]
    public async Task StartServer()
    {
        _server = await FakeTicketServer.StartAsync();
        _server.On("/rest/api/3/myself", Reply.Json("""{"accountId":"svc","timeZone":"Europe/Berlin"}"""));
        _server.On("/rest/api/3/search/jql", Reply.Json(SearchPage(next: "tok-2", """
            {"id":"10001","key":"SUP-1","fields":{"updated":"2026-01-05T10:00:00.000+0000",
              "reporter":{"accountId":"acc-ann","emailAddress":"ann@example.com"},"status":{"name":"In Progress"}},
             "changelog":{"histories":[{"id":"h1","created":"2026-01-04T09:00:00.000+0000",
               "items":[{"field":"status","fromString":"Done","toString":"In Progress"}]},
              {"id":"h2","created":"2026-01-04T08:00:00.000+0000",
               "items":[{"field":"Satisfaction","fieldtype":"custom","from":null,"to":"1"}]}]}}
            """)));
        _server.On("/rest/api/3/search/jql", ["nextPageToken=tok-2"], Reply.Json(SearchPage(next: null, """
            {"id":"10002","key":"SUP-2","fields":{"updated":"2026-01-05T11:00:00.000+0000",
              "reporter":{"accountId":"acc-bob","emailAddress":"bob@elsewhere.example"}}}
            """)));
        _server.On("/rest/api/3/issue/SUP-1/comment", Reply.Json(Sup1Comments));
        _server.On("/rest/api/3/issue/SUP-2/comment", Reply.Json("""{"startAt":0,"maxResults":1,"total":0,"comments":[]}"""));
        _server.On("/rest/servicedeskapi/request/SUP-1/feedback", Reply.Json("""{"type":"csat","rating":1,"comment":{"body":"far too slow"}}"""));
        _server.On("/rest/servicedeskapi/request/SUP-1/sla", Reply.Json("""
            {"size":1,"start":0,"limit":50,"isLastPage":true,"values":[{"id":"1","name":"Time to resolution",
              "completedCycles":[{"breached":true,"breachTime":{"iso8601":"2026-01-03T12:00:00+0000"}}]}]}
            """));
    }

    [TearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    private TicketHarness Harness(params (string Key, string Value)[] settings) => new("Jira", _server.BaseUrl,
        new Dictionary<string, string?>(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
        {
            ["Email"] = "svc@example.com",
            ["ApiToken"] = "token",
            ["PageSize"] = "1",
            ["Deployment"] = "Cloud",
        }, "ann@example.com");

    [Test]
    public async Task Requester_public_comments_csat_reopen_and_sla_breach_become_signals_across_pages()
    {
        using var harness = Harness();
        harness.Watermarks.Values[Probe] = "2026-01-01T09:30:00.0000000+00:00";

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(result.Message, Does.Contain("2 tickets").And.Contain("1 unknown requesters"));
        var signals = harness.Sink.Signals.OrderBy(s => s.Source).ToList();
        Assert.That(signals.Select(s => (s.Kind, s.Source, s.Score)), Is.EqualTo(new[]
        {
            (SignalKinds.TicketSentiment, "jira:SUP-1:comment:10001", -0.8),
            (SignalKinds.TicketCsat, "jira:SUP-1:csat:1", -1.0),
            (SignalKinds.TicketReopened, "jira:SUP-1:reopened:h1", -0.6),
            (SignalKinds.TicketSlaBreached, "jira:SUP-1:sla_breached", -0.4),
        }));
        Assert.That(signals.All(s => s.UserId == "u-ann"));
        Assert.That(signals[0].Comment, Is.EqualTo("This is terrible.\nI am angry"), "ADF text nodes, one block per line");
        Assert.That(harness.Watermarks.Values[Probe], Is.EqualTo("2026-01-05T11:00:00.0000000+00:00"));
        // Watermark 09:30 UTC less the minute of overlap, in the API user's zone (Berlin, UTC+1 in winter).
        Assert.That(_server.Requests.Any(r => r.PathAndQuery.Contains("updated >= \"2026/01/01 10:29\" ORDER BY updated ASC")));
    }

    [Test]
    public async Task The_same_comment_seen_twice_is_one_signal()
    {
        using var harness = Harness();
        await harness.RunAsync();
        harness.Watermarks.Values.Clear();

        var second = await harness.RunAsync();

        Assert.That(second.Message, Does.Contain("0 signals stored"));
        Assert.That(harness.Sink.Signals, Has.Count.EqualTo(4));
    }

    [Test]
    public async Task A_truncated_ticket_is_skipped_and_counted_and_the_rest_processed()
    {
        _server.On("/rest/api/3/issue/SUP-1/comment", Reply.Json("""{"startAt":0,"total":1,"comments":[{"id":"100"""));
        using var harness = Harness();
        var before = TicketHarness.Rejected(Probe);

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(result.Message, Does.Contain("1 rejected"));
        Assert.That(TicketHarness.Rejected(Probe) - before, Is.EqualTo(1));
        Assert.That(harness.Sink.Signals, Is.Empty);
        Assert.That(harness.Watermarks.Values[Probe], Is.EqualTo("2026-01-05T11:00:00.0000000+00:00"));
    }

    [Test]
    public async Task Retry_After_on_429_is_honoured()
    {
        _server.On("/rest/api/3/myself", new Reply(429, "{}", RetryAfter: "1"), Reply.Json("""{"timeZone":"UTC"}"""));
        using var harness = Harness();

        var clock = Stopwatch.StartNew();
        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(clock.Elapsed, Is.GreaterThan(TimeSpan.FromSeconds(0.9)).And.LessThan(TimeSpan.FromSeconds(3)));
        Assert.That(_server.Count("/rest/api/3/myself"), Is.EqualTo(2));
    }

    [Test]
    public async Task A_long_Retry_After_is_capped_by_MaxRetryAfter()
    {
        _server.On("/rest/api/3/myself", new Reply(503, "{}", RetryAfter: "120"), Reply.Json("""{"timeZone":"UTC"}"""));
        using var harness = Harness(("MaxRetryAfter", "00:00:00.500"));

        var clock = Stopwatch.StartNew();
        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(clock.Elapsed, Is.GreaterThan(TimeSpan.FromSeconds(0.4)).And.LessThan(TimeSpan.FromSeconds(3)));
    }

    [Test]
    public async Task Server_errors_are_retried_until_success()
    {
        _server.On("/rest/api/3/search/jql", new Reply(500, "{}"), new Reply(502, "{}"), Reply.Json(SearchPage(null, "")));

        using var harness = Harness();
        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(_server.Count("/rest/api/3/search/jql"), Is.EqualTo(3));
    }

    [Test]
    public async Task A_hanging_attempt_times_out_and_is_retried()
    {
        _server.On("/rest/api/3/myself", new Reply(200, """{"timeZone":"UTC"}""", Delay: TimeSpan.FromSeconds(10)), Reply.Json("""{"timeZone":"UTC"}"""));
        using var harness = Harness(("AttemptTimeout", "00:00:00.300"));

        var clock = Stopwatch.StartNew();
        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(3)));
    }

    [Test]
    public async Task Bad_credentials_fail_the_probe_naming_the_settings()
    {
        _server.On("/rest/api/3/myself", new Reply(401, """{"errorMessages":["Unauthorized"]}"""));
        using var harness = Harness();

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.False);
        Assert.That(result.Message, Is.EqualTo(
            "Jira Service Management refused the credentials (HTTP 401); check Tickets:Jira:Email and Tickets:Jira:ApiToken"));
        Assert.That(_server.Count("/rest/api/3/myself"), Is.EqualTo(1), "401 is not retried");
    }

    [Test]
    public async Task The_watermark_stays_before_a_ticket_that_failed_part_way_and_the_rerun_adds_no_duplicates()
    {
        _server.On("/rest/api/3/issue/SUP-2/comment", new Reply(500, "{}"));
        using var harness = Harness(("MaxRetryAttempts", "1"));

        var failed = await harness.RunAsync();

        Assert.That(failed.Success, Is.False);
        Assert.That(failed.Message, Does.StartWith("tickets_jira: Jira Service Management answered HTTP 500 to /rest/api/3/issue/SUP-2/comment"));
        Assert.That(harness.Watermarks.Values[Probe], Is.EqualTo("2026-01-05T10:00:00.0000000+00:00"));
        Assert.That(harness.Sink.Signals, Has.Count.EqualTo(4));

        _server.On("/rest/api/3/issue/SUP-2/comment", Reply.Json("""{"startAt":0,"maxResults":1,"total":0,"comments":[]}"""));
        var rerun = await harness.RunAsync();

        Assert.That(rerun.Success, Is.True, rerun.Message);
        Assert.That(harness.Sink.Signals, Has.Count.EqualTo(4));
        Assert.That(harness.Watermarks.Values[Probe], Is.EqualTo("2026-01-05T11:00:00.0000000+00:00"));
    }

    /// <summary>
    /// A page of GET /rest/api/3/search/jql: no total; a last page has neither isLast nor a token, as Jira Cloud
    /// answers (JRACLOUD-92184: "There is no nextPageToken key on the last page of results").
    /// </summary>
    private static string SearchPage(string? next, string issue) => next is null
        ? $$"""{"issues":[{{issue}}]}"""
        : $$"""{"issues":[{{issue}}],"nextPageToken":"{{next}}","isLast":false}""";

    private static string Adf(string first, string second) => $$"""
        {"type":"doc","version":1,"content":[
          {"type":"paragraph","content":[{"type":"text","text":"{{first}}"}]},
          {"type":"paragraph","content":[{"type":"text","text":"{{second}}","marks":[{"type":"strong"}]}]}]}
        """;

    private static readonly string Sup1Comments = $$"""
        {"startAt":0,"maxResults":50,"total":4,"comments":[
          {"id":"10001","author":{"accountId":"acc-ann","emailAddress":"ann@example.com"},"body":{{Adf("This is terrible.", "I am angry")}},
           "created":"2026-01-05T09:00:00.000+0000","jsdPublic":true},
          {"id":"10002","author":{"accountId":"acc-agent","emailAddress":"agent@example.com"},"body":{{Adf("Thanks for waiting", "great")}},
           "created":"2026-01-05T09:10:00.000+0000","jsdPublic":true},
          {"id":"10003","author":{"accountId":"acc-ann","emailAddress":"ann@example.com"},"body":{{Adf("great", "thanks")}},
           "created":"2026-01-05T09:20:00.000+0000","jsdPublic":false},
          {"id":"10004","author":{"accountId":"acc-ann","emailAddress":"ann@example.com"},"body":{{Adf("Noted.", "Ticket number below")}},
           "created":"2026-01-05T09:30:00.000+0000","jsdPublic":true}]}
        """;
}
