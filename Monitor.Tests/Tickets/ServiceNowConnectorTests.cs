using Monitor.Core.Signals;
using Monitor.Probes.Tickets;
using NUnit.Framework;

namespace Monitor.Tests.Tickets;

[NonParallelizable]
public sealed partial class ServiceNowConnectorTests : TicketConnectorConformance<ServiceNowOptions>
{
    [Test]
    public async Task Caller_comments_count_work_notes_do_not_and_reopens_and_missed_sla_are_signals()
    {
        await using var server = await FakeTicketServer.StartAsync();
        server.On("/api/now/table/incident", ["sysparm_offset=0"], Reply.Json("""
            {"result":[
              {"sys_id":"a1","number":"INC0010001","sys_updated_on":"2026-01-05 10:00:00","reopen_count":"1","made_sla":"false",
               "caller_id.email":"ann@example.com","caller_id.user_name":"ann"},
              {"sys_id":"a2","number":"INC0010002","sys_updated_on":"2026-01-05 10:30:00","reopen_count":"0","made_sla":"true",
               "caller_id.email":"nobody@elsewhere.example","caller_id.user_name":"nobody"}]}
            """));
        server.On("/api/now/table/incident", ["sysparm_offset=2"], Reply.Json("""
            {"result":[{"sys_id":"a3","number":"INC0010003","sys_updated_on":"2026-01-05 11:00:00","reopen_count":"0","made_sla":"true",
               "caller_id.email":"ann@example.com","caller_id.user_name":"ann"}]}
            """));
        // Later routes win: the catch-all first, then the incident with journal entries.
        server.On("/api/now/table/sys_journal_field", Reply.Json("""{"result":[]}"""));
        server.On("/api/now/table/sys_journal_field", ["element_id=a1", "sysparm_offset=0"], Reply.Json("""
            {"result":[
              {"sys_id":"j1","element":"comments","value":"Still broken, I am angry","sys_created_on":"2026-01-05 09:00:00",
                "sys_created_by":"ann"},
              {"sys_id":"j2","element":"work_notes","value":"User is angry, escalate","sys_created_on":"2026-01-05 09:05:00",
                "sys_created_by":"ann"},
              {"sys_id":"j3","element":"comments","value":"Thanks for your patience","sys_created_on":"2026-01-05 09:10:00",
                "sys_created_by":"agent.smith"}]}
            """));
        using var harness = new TicketHarness("ServiceNow", server.BaseUrl,
            new() { ["Username"] = "svc", ["Password"] = "pw", ["PageSize"] = "2" }, "ann@example.com");

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(result.Message, Does.Contain("3 tickets").And.Contain("1 unknown requesters"));
        Assert.That(harness.Sink.Signals.Select(s => (s.Kind, s.Source)).OrderBy(s => s.Source), Is.EqualTo(new[]
        {
            (SignalKinds.TicketSentiment, "servicenow:INC0010001:comment:j1"),
            (SignalKinds.TicketReopened, "servicenow:INC0010001:reopened:1"),
            (SignalKinds.TicketSlaBreached, "servicenow:INC0010001:sla_breached"),
        }));
        Assert.That(harness.Watermarks.Values["tickets_servicenow"], Is.EqualTo("2026-01-05T11:00:00.0000000+00:00"));
        Assert.That(server.Requests.Any(r =>
            r.PathAndQuery.Contains("sys_updated_on>=") && r.PathAndQuery.Contains("^ORDERBYsys_updated_on")));
        Assert.That(server.Requests.First().Headers.Authorization.ToString(), Is.EqualTo("Basic c3ZjOnB3"));
    }

    [Test]
    public async Task Forbidden_fails_the_probe_naming_the_settings()
    {
        await using var server = await FakeTicketServer.StartAsync();
        server.On("/api/now/table/incident", new Reply(403, """{"error":{"message":"User Not Authorized"}}"""));
        using var harness = new TicketHarness("ServiceNow", server.BaseUrl, new() { ["Username"] = "svc", ["Password"] = "pw" });

        var result = await harness.RunAsync();

        Assert.That(result.Message, Is.EqualTo(
            "ServiceNow refused the credentials (HTTP 403); check Tickets:ServiceNow:Username and Tickets:ServiceNow:Password"));
    }

    private const string GlideTime = "yyyy-MM-dd HH:mm:ss";

    protected override string Section => "ServiceNow";

    protected override IReadOnlyDictionary<string, string> Credentials { get; } =
        new Dictionary<string, string> { ["Username"] = "svc", ["Password"] = "pw" };

    // The Table API's answer to bad basic credentials (docs.servicenow.com, "REST API HTTP response codes").
    protected override Reply Unauthorized { get; } =
        new(401, """{"error":{"message":"User Not Authenticated","detail":"Required to provide Auth information"},"status":"failure"}""");

    protected override string CommentSource(ConformanceTicket ticket) => $"servicenow:INC00{ticket.Number}:comment:j{ticket.Number}";

    /// <summary>
    /// GET /api/now/table/incident (sysparm_offset/sysparm_limit paging, a page shorter than the limit is the last)
    /// and GET /api/now/table/sys_journal_field per incident, values in UTC as with sysparm_display_value=false,
    /// per the Table API reference (developer.servicenow.com, "Table API"). The malformed incident's journal is cut off.
    /// </summary>
    protected override void Serve(FakeTicketServer server, IReadOnlyList<ConformanceTicket> tickets, int pageSize, int? malformed = null)
    {
        foreach (var page in tickets.Chunk(pageSize).Select((chunk, i) => (Incidents: chunk, Offset: i * pageSize)))
        {
            var incidents = string.Join(",", page.Incidents.Select(t => $$"""
                {"sys_id":"s{{t.Number}}","number":"INC00{{t.Number}}","sys_updated_on":"{{t.Updated(GlideTime)}}","reopen_count":"0",
                 "made_sla":"true","caller_id.email":"{{ConformanceTicket.RequesterEmail}}","caller_id.user_name":"ann"}
                """));
            server.On("/api/now/table/incident", [$"sysparm_offset={page.Offset}&"], Reply.Json($$"""{"result":[{{incidents}}]}"""));
        }
        foreach (var t in tickets)
        {
            var journal = t.Number == malformed
                ? """{"result":[{"sys_id":"j"""
                : $$"""
                  {"result":[{"sys_id":"j{{t.Number}}","element":"comments","value":"{{t.Comment}}",
                   "sys_created_on":"{{t.Updated(GlideTime)}}","sys_created_by":"ann"}]}
                  """;
            server.On("/api/now/table/sys_journal_field", [$"element_id=s{t.Number}^"], Reply.Json(journal));
        }
    }
}
