using System.Globalization;
using Monitor.Core.Signals;
using NUnit.Framework;

namespace Monitor.Tests.Tickets;

/// <summary>
/// Zendesk: the export with comments, audits (reopens and the rating, dated) and SLA breaches from the ticket metric
/// events; one malformed record rejected alone. Shapes per developer.zendesk.com/api-reference: "Incremental Exports"
/// (cursor export, ticket metric event export), "Ticket Comments", "Ticket Audits" (Change and SatisfactionRating
/// events), "Ticket Metric Events" (type breach; the ids and times of its examples).
/// </summary>
public sealed partial class ZendeskConnectorTests
{
    private static readonly DateTimeOffset ReopenedAt = new(2026, 1, 3, 8, 0, 0, TimeSpan.Zero);

    private static async Task<FakeTicketServer> ServeOneTicketAsync(string? comments = null, string? audits = null)
    {
        var server = await FakeTicketServer.StartAsync();
        server.On("/api/v2/incremental/tickets/cursor.json", ["start_time="], Reply.Json("""
            {"tickets":[{"id":35436,"requester_id":20978392,"status":"open","updated_at":"2026-01-05T10:00:00Z",
                         "satisfaction_rating":{"id":1001,"score":"bad","comment":"Nobody helped"}}],
             "users":[{"id":20978392,"email":"ann@example.com"},{"id":777,"email":"agent@example.com"}],
             "after_cursor":"MTU3NjYxMzUzOS4wfHw0Njd8","end_of_stream":false}
            """));
        server.On("/api/v2/incremental/tickets/cursor.json", ["cursor=MTU3NjYxMzUzOS4wfHw0Njd8"], Reply.Json("""
            {"tickets":[{"id":35437,"requester_id":20978392,"status":"solved","updated_at":"2026-01-05T11:00:00Z",
                         "satisfaction_rating":{"score":"offered"}}],
             "users":[{"id":20978392,"email":"ann@example.com"}],"after_cursor":"next","end_of_stream":true}
            """));
        server.On("/api/v2/tickets/35436/comments.json", Reply.Json(comments ?? """
            {"comments":[
              {"id":1,"type":"Comment","author_id":20978392,"body":"My laptop is dead, this is terrible","public":true,"created_at":"2026-01-05T09:00:00Z"},
              {"id":2,"type":"Comment","author_id":777,"body":"Great, we will look","public":true,"created_at":"2026-01-05T09:05:00Z"},
              {"id":3,"type":"Comment","author_id":20978392,"body":"great","public":false,"created_at":"2026-01-05T09:06:00Z"}],
             "users":[{"id":20978392,"email":"ann@example.com"},{"id":777,"email":"agent@example.com"}],"next_page":null}
            """));
        server.On("/api/v2/tickets/35437/comments.json", Reply.Json("""{"comments":[],"next_page":null}"""));
        server.On("/api/v2/tickets/35436/audits.json", Reply.Json(audits ?? """
            {"audits":[
              {"id":2127301143,"ticket_id":35436,"author_id":20978392,"created_at":"2026-01-03T08:00:00Z","via":{"channel":"web"},
               "events":[{"id":2127301163,"type":"Change","field_name":"status","previous_value":"solved","value":"open"}]},
              {"id":2127301144,"ticket_id":35436,"author_id":20978392,"created_at":"2026-01-04T12:00:00Z","via":{"channel":"web"},
               "events":[{"id":2127301170,"type":"SatisfactionRating","score":"bad","assignee_id":777,"body":"Nobody helped"}]}],
             "next_page":null,"previous_page":null,"count":2}
            """));
        server.On("/api/v2/tickets/35437/audits.json", Reply.Json(NoAudits));
        server.On("/api/v2/incremental/ticket_metric_events", Reply.Json("""
            {"ticket_metric_events":[
              {"id":926232157301,"ticket_id":35436,"metric":"reply_time","instance_id":1,"type":"apply_sla","time":"2026-01-04T08:00:00Z",
               "sla":{"target":60,"business_hours":false,"policy":{"id":360000091592,"title":"Urgent","description":""}}},
              {"id":926232757371,"ticket_id":35436,"metric":"reply_time","instance_id":1,"type":"breach","time":"2026-01-04T09:00:00Z"},
              {"id":926232757372,"ticket_id":35437,"metric":"reply_time","instance_id":1,"type":"breach","time":"2026-01-04T09:30:00Z","deleted":true}],
             "next_page":null,"count":3,"end_of_stream":true}
            """));
        return server;
    }

    private static TicketHarness ZendeskHarness(FakeTicketServer server) =>
        new("Zendesk", server.BaseUrl, new() { ["Email"] = "svc@example.com", ["ApiToken"] = "t" }, "ann@example.com");

    [Test]
    public async Task A_comment_list_whose_next_page_is_itself_is_read_once()
    {
        // "Ticket Comments", offset pagination: next_page is the URL of the next page, null on the last. Here it names the
        // page just read (as a list ending at Zendesk's 10,000-record offset cap could); bounded so that a loop fails.
        await using var server = await ServeOneTicketAsync(comments: """
            {"comments":[
              {"id":1,"type":"Comment","author_id":20978392,"body":"this is terrible","public":true,"created_at":"2026-01-05T09:00:00Z"}],
             "users":[{"id":20978392,"email":"ann@example.com"}],
             "next_page":"https://example.zendesk.com/api/v2/tickets/35436/comments.json?include=users","previous_page":null,"count":1}
            """);
        using var harness = ZendeskHarness(server);
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        var tickets = new List<string>();
        await foreach (var fetch in harness.Connector.FetchUpdatedSinceAsync(DateTimeOffset.UnixEpoch, bound.Token))
            tickets.Add(fetch.Ticket!.Id + ":" + fetch.Ticket.Comments.Count);

        Assert.That(tickets, Is.EqualTo(new[] { "35436:1", "35437:0" }));
        Assert.That(server.Count("/api/v2/tickets/35436/comments.json"), Is.EqualTo(1));
    }

    [Test]
    public async Task An_export_cursor_that_does_not_move_ends_the_read_instead_of_reading_its_page_for_ever()
    {
        await using var server = await FakeTicketServer.StartAsync();
        // developer.zendesk.com "Incremental Exports", cursor-based: after_cursor "to fetch the next page", end_of_stream
        // "true if the current request has returned all the results up to the current time". Here the second page names
        // itself as the next one without ending the stream.
        const string users = """[{"id":20978392,"email":"ann@example.com"}]""";
        server.On("/api/v2/incremental/tickets/cursor.json", ["start_time="], Reply.Json($$"""
            {"tickets":[{"id":501,"requester_id":20978392,"status":"open","updated_at":"2026-01-05T10:00:00Z"}],"users":{{users}},
             "after_url":"https://example.zendesk.com/api/v2/incremental/tickets/cursor.json?cursor=MTU4MDc1Mzc5OC4wfHw0MzJ8",
             "after_cursor":"MTU4MDc1Mzc5OC4wfHw0MzJ8","end_of_stream":false}
            """));
        server.On("/api/v2/incremental/tickets/cursor.json", ["cursor=MTU4MDc1Mzc5OC4wfHw0MzJ8"], Reply.Json($$"""
            {"tickets":[{"id":502,"requester_id":20978392,"status":"open","updated_at":"2026-01-05T11:00:00Z"}],"users":{{users}},
             "after_url":"https://example.zendesk.com/api/v2/incremental/tickets/cursor.json?cursor=MTU4MDc1Mzc5OC4wfHw0MzJ8",
             "after_cursor":"MTU4MDc1Mzc5OC4wfHw0MzJ8","end_of_stream":false}
            """));
        foreach (var id in new[] { 501, 502 })
        {
            server.On($"/api/v2/tickets/{id}/comments.json", Reply.Json("""{"comments":[],"next_page":null}"""));
            server.On($"/api/v2/tickets/{id}/audits.json", Reply.Json(NoAudits));
        }
        server.On("/api/v2/incremental/ticket_metric_events", Reply.Json(NoMetricEvents));
        using var harness = ZendeskHarness(server);

        var read = new List<string?>();
        await foreach (var fetch in harness.Connector.FetchUpdatedSinceAsync(DateTimeOffset.UnixEpoch, CancellationToken.None))
        {
            read.Add(fetch.Ticket?.Id);
            if (read.Count == 10) break;
        }

        Assert.That(read, Is.EqualTo(new[] { "501", "502" }));
        Assert.That(server.Count("/api/v2/incremental/tickets/cursor.json"), Is.EqualTo(2));
    }

    [Test]
    public async Task Requester_comments_the_bad_rating_the_reopen_and_the_SLA_breach_become_signals_each_dated_when_it_happened()
    {
        await using var server = await ServeOneTicketAsync();
        using var harness = ZendeskHarness(server);

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        var reopen = ReopenedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        Assert.That(harness.Sink.Signals.Select(s => (s.Kind, s.Source, s.Score, s.ObservedAt)).OrderBy(s => s.Source), Is.EqualTo(new[]
        {
            (SignalKinds.TicketSentiment, "zendesk:35436:comment:1", -0.8, new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero)),
            (SignalKinds.TicketCsat, "zendesk:35436:csat:bad", -1.0, new DateTimeOffset(2026, 1, 4, 12, 0, 0, TimeSpan.Zero)),
            (SignalKinds.TicketReopened, $"zendesk:35436:reopened:{reopen}", -0.6, ReopenedAt),
            (SignalKinds.TicketSlaBreached, "zendesk:35436:sla_breached", -0.4, new DateTimeOffset(2026, 1, 4, 9, 0, 0, TimeSpan.Zero)),
        }));
        Assert.That(harness.Watermarks.Values["tickets_zendesk"], Is.EqualTo("2026-01-05T11:00:00.0000000+00:00"));
        Assert.That(server.Count("/api/v2/incremental/ticket_metric_events"), Is.EqualTo(1), "read once per run");
    }

    [Test]
    public async Task A_comment_with_a_placeholder_time_and_a_malformed_audit_are_rejected_alone()
    {
        await using var server = await ServeOneTicketAsync(comments: """
            {"comments":[
              {"id":1,"type":"Comment","author_id":20978392,"body":"this is terrible","public":true,"created_at":"2026-01-05T09:00:00Z"},
              {"id":4,"type":"Comment","author_id":20978392,"body":"angry","public":true,"created_at":"0000-00-00T00:00:00Z"}],
             "next_page":null}
            """, audits: """
            {"audits":[{"id":1,"created_at":"2026-01-03T08:00:00Z","events":"none"},
              {"id":2,"created_at":"2026-01-04T12:00:00Z","events":[{"id":3,"type":"SatisfactionRating","score":"bad"}]}],"next_page":null}
            """);
        using var harness = ZendeskHarness(server);
        var before = TicketHarness.Rejected("tickets_zendesk");

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(result.Message, Does.Contain("2 tickets").And.Contain("2 rejected"));
        Assert.That(TicketHarness.Rejected("tickets_zendesk") - before, Is.EqualTo(2));
        Assert.That(harness.Sink.Signals.Select(s => s.Source), Is.EquivalentTo(new[]
        {
            "zendesk:35436:comment:1", "zendesk:35436:csat:bad", "zendesk:35436:sla_breached",
        }));
    }

    [Test]
    public async Task Without_an_admin_token_the_run_goes_on_without_SLA_breaches()
    {
        await using var server = await ServeOneTicketAsync();
        server.On("/api/v2/incremental/ticket_metric_events",
            new Reply(403, """{"error":"Forbidden","description":"You do not have access"}"""));
        using var harness = ZendeskHarness(server);

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(harness.Sink.Signals.Select(s => s.Kind),
            Does.Not.Contain(SignalKinds.TicketSlaBreached).And.Contain(SignalKinds.TicketCsat));
    }
}
