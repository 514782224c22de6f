using NUnit.Framework;

namespace Monitor.Tests.Tickets;

[NonParallelizable]
public sealed class TicketProbeTests
{
    [Test]
    public async Task When_every_attempt_times_out_the_probe_fails_and_says_so()
    {
        await using var server = await FakeTicketServer.StartAsync();
        server.On("/rest/api/3/myself", new Reply(200, "{}", Delay: TimeSpan.FromSeconds(10)));
        using var harness = new TicketHarness("Jira", server.BaseUrl, new()
        {
            ["Email"] = "svc@example.com", ["ApiToken"] = "t", ["Deployment"] = "Cloud", ["AttemptTimeout"] = "00:00:00.200", ["MaxRetryAttempts"] = "1",
        });

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.False);
        Assert.That(result.Message, Does.StartWith("tickets_jira: ").And.Contain("timeout"));
        Assert.That(harness.Watermarks.Values, Is.Empty);
    }

    [Test]
    public async Task A_failing_sink_propagates_but_keeps_the_tickets_already_done()
    {
        await using var server = await FakeTicketServer.StartAsync();
        server.On("/rest/api/3/myself", Reply.Json("""{"timeZone":"UTC"}"""));
        server.On("/rest/api/3/search/jql", Reply.Json("""
            {"isLast":true,"issues":[
              {"id":"1","key":"SUP-1","fields":{"updated":"2026-01-05T10:00:00.000+0000","reporter":{"accountId":"x","emailAddress":"nobody@elsewhere.example"}}},
              {"id":"2","key":"SUP-2","fields":{"updated":"2026-01-05T11:00:00.000+0000","reporter":{"accountId":"a","emailAddress":"ann@example.com"}}}]}
            """));
        server.On("/rest/api/3/issue/SUP-1/comment", Reply.Json("""{"startAt":0,"total":0,"comments":[]}"""));
        server.On("/rest/api/3/issue/SUP-2/comment", Reply.Json("""{"startAt":0,"total":0,"comments":[]}"""));
        server.On("/rest/servicedeskapi/request/SUP-2/feedback", Reply.Json("""{"type":"csat","rating":5}"""));
        using var harness = new TicketHarness("Jira", server.BaseUrl, new()
        {
            ["Email"] = "svc@example.com", ["ApiToken"] = "t", ["Deployment"] = "Cloud",
        }, "ann@example.com");
        harness.Sink.FailWith = new InvalidOperationException("database is down");

        await Assert.ThrowsAsync<InvalidOperationException>(harness.RunAsync);

        Assert.That(harness.Watermarks.Values["tickets_jira"], Is.EqualTo("2026-01-05T10:00:00.0000000+00:00"));
    }

    [Test]
    public async Task A_ticket_dated_in_the_future_neither_moves_the_watermark_past_now_nor_stores_its_signal()
    {
        await using var server = await FakeTicketServer.StartAsync();
        server.On("/rest/api/3/myself", Reply.Json("""{"timeZone":"UTC"}"""));
        server.On("/rest/api/3/search/jql", Reply.Json("""
            {"isLast":true,"issues":[
              {"id":"1","key":"SUP-1","fields":{"updated":"9999-12-31T00:00:00.000+0000","reporter":{"accountId":"a","emailAddress":"ann@example.com"}}},
              {"id":"2","key":"SUP-2","fields":{"updated":"2026-01-05T11:00:00.000+0000","reporter":{"accountId":"a","emailAddress":"ann@example.com"}}}]}
            """));
        server.On("/rest/api/3/issue/SUP-1/comment", Reply.Json(Comment(100, "9999-12-31T00:00:00.000+0000")));
        server.On("/rest/api/3/issue/SUP-2/comment", Reply.Json(Comment(200, "2026-01-05T10:30:00.000+0000")));
        using var harness = new TicketHarness("Jira", server.BaseUrl, new()
        {
            ["Email"] = "svc@example.com", ["ApiToken"] = "t", ["Deployment"] = "Cloud",
        }, "ann@example.com");
        var before = TicketHarness.Rejected("tickets_jira");
        var started = DateTimeOffset.UtcNow;

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(result.Message, Does.Contain("1 rejected"));
        Assert.That(TicketHarness.Rejected("tickets_jira") - before, Is.EqualTo(1));
        Assert.That(harness.Sink.Signals.Select(s => s.Source), Is.EqualTo(new[] { "jira:SUP-2:comment:200" }));
        // At most the start of the run: a watermark of 9999 would make every later run read nothing.
        var watermark = DateTimeOffset.Parse(harness.Watermarks.Values["tickets_jira"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(watermark, Is.InRange(started.AddSeconds(-1), DateTimeOffset.UtcNow));
    }

    private static string Comment(int id, string created) => $$"""
        {"startAt":0,"maxResults":50,"total":1,"comments":[{"id":"{{id}}","author":{"accountId":"a","emailAddress":"ann@example.com"},
         "body":{"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"This is terrible"}]}]},
         "created":"{{created}}","jsdPublic":true}]}
        """;
}
