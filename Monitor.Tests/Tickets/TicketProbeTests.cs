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
}
