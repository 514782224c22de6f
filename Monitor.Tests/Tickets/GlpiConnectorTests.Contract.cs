using Monitor.Core.Signals;
using NUnit.Framework;

namespace Monitor.Tests.Tickets;

/// <summary>GLPI as its own documentation answers (glpi-project/glpi, apirest.md).</summary>
public sealed partial class GlpiConnectorTests
{
    private const string Probe = "tickets_glpi";

    [Test]
    public async Task The_documented_search_answer_keyed_by_item_id_is_read_in_update_order()
    {
        await using var server = await FakeTicketServer.StartAsync();
        ServeSession(server);
        // apirest.md, "Search items", Returns: "data" is an object keyed by ":items_id", as in its example
        // {"totalcount":2,"count":2,"data":{"11":{"1":"W2242",...},"7":{...}}}: the rows need not repeat the id, and
        // JSON keeps no order, so the later-updated ticket 11 comes first here.
        server.On("/apirest.php/search/Ticket", Reply.Json("""
            {"totalcount":2,"count":2,"data":{"11":{"1":"Printer jammed","19":"2026-01-05 11:30:00","82":0},
                                              "7":{"1":"VPN down","19":"2026-01-05 11:00:00","82":0}}}
            """));
        foreach (var (id, text) in new[] { ("7", "This is terrible"), ("11", "Thanks, great work") })
        {
            ServeRequester(server, id);
            server.On($"/apirest.php/Ticket/{id}/ITILFollowup", Reply.Json($$"""
                [{"id":{{id}}0,"itemtype":"Ticket","items_id":{{id}},"users_id":12,"content":"&lt;p&gt;{{text}}&lt;/p&gt;","is_private":0,
                  "date":"2026-01-05 10:00:00","date_creation":"2026-01-05 10:00:00"}]
                """));
        }
        using var harness = Harness(server);

        var order = new List<string>();
        await foreach (var fetch in harness.Connector.FetchUpdatedSinceAsync(DateTimeOffset.UnixEpoch, CancellationToken.None))
        {
            order.Add(fetch.Ticket?.Id ?? "rejected: " + fetch.Rejection!.Reason);
        }
        var result = await harness.RunAsync();

        Assert.That(order, Is.EqualTo(new[] { "7", "11" }));
        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(harness.Sink.Signals.Select(s => (s.Source, s.Score)).OrderBy(s => s.Source), Is.EqualTo(new[]
        {
            ("glpi:11:comment:110", 0.8),
            ("glpi:7:comment:70", -0.8),
        }));
        Assert.That(harness.Watermarks.Values[Probe], Is.EqualTo("2026-01-05T11:30:00.0000000+00:00"));
    }

    [Test]
    public async Task Reading_none_of_a_positive_totalcount_fails_the_run_loudly()
    {
        await using var server = await FakeTicketServer.StartAsync();
        ServeSession(server);
        // A total above 0 but rows in no shape the connector reads (here none at all).
        server.On("/apirest.php/search/Ticket", Reply.Json("""{"totalcount":3,"count":3,"data":"3 rows"}"""));
        using var harness = Harness(server);

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.False);
        Assert.That(result.Message, Does.Contain("GLPI reports 3 tickets"));
        Assert.That(harness.Watermarks.Values, Is.Empty);
        Assert.That(server.Count("/apirest.php/killSession"), Is.EqualTo(1), "the session is closed all the same");
    }

    [Test]
    public async Task An_empty_search_is_a_quiet_success()
    {
        await using var server = await FakeTicketServer.StartAsync();
        ServeSession(server);
        server.On("/apirest.php/search/Ticket", Reply.Json("""{"totalcount":0,"count":0,"data":[]}"""));
        using var harness = Harness(server);

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(result.Message, Does.Contain("0 tickets"));
    }

    [Test]
    public async Task A_follow_up_with_a_placeholder_date_or_a_bad_rating_is_rejected_alone_and_the_ticket_goes_on()
    {
        await using var server = await FakeTicketServer.StartAsync();
        ServeTicketsSevenAndEight(server, breached: true);
        // GLPI writes "0000-00-00 00:00:00" where a date was never set (MySQL's zero date).
        server.On("/apirest.php/Ticket/7/ITILFollowup", Reply.Json("""
            [{"id":70,"items_id":7,"users_id":12,"content":"This is terrible","is_private":0,
              "date":"2026-01-05 10:00:00","date_creation":"2026-01-05 10:00:00"},
             {"id":71,"items_id":7,"users_id":12,"content":"Still angry","is_private":0,
              "date":"0000-00-00 00:00:00","date_creation":"0000-00-00 00:00:00"}]
            """));
        server.On("/apirest.php/Ticket/7/TicketSatisfaction", Reply.Json("""
            [{"id":5,"tickets_id":7,"type":1,
              "date_begin":"2026-01-05 10:30:00","date_answered":"2026-01-05 10:45:00","satisfaction":1,"comment":"Slow"}]
            """));
        server.On("/apirest.php/Ticket/8/ITILFollowup", Reply.Json("""
            [{"id":80,"items_id":8,"users_id":12,"content":"Thanks","is_private":0,
              "date":"2026-01-05 11:00:00","date_creation":"2026-01-05 11:00:00"}]
            """));
        server.On("/apirest.php/Ticket/8/TicketSatisfaction", Reply.Json("""
            [{"id":6,"tickets_id":8,"type":1,"date_begin":"2026-01-05 11:30:00","date_answered":"2026-01-05 11:45:00","satisfaction":9}]
            """));
        using var harness = Harness(server);
        var before = TicketHarness.Rejected(Probe);

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(TicketHarness.Rejected(Probe) - before, Is.EqualTo(2), "follow-up 71 and ticket 8's rating");
        Assert.That(result.Message, Does.Contain("2 tickets").And.Contain("2 rejected"));
        var signals = harness.Sink.Signals.OrderBy(s => s.Source).ToList();
        Assert.That(signals.Select(s => s.Source), Is.EqualTo(new[]
        {
            "glpi:7:comment:70", "glpi:7:csat:1", "glpi:7:sla_breached", "glpi:8:comment:80",
        }));
        // The rating is dated when it was answered, not at the ticket's update.
        Assert.That(signals[1].ObservedAt, Is.EqualTo(new DateTimeOffset(2026, 1, 5, 10, 45, 0, TimeSpan.Zero)));
        Assert.That(signals[1].Comment, Is.EqualTo("Slow"));
        Assert.That(harness.Watermarks.Values[Probe], Is.EqualTo("2026-01-05T12:00:00.0000000+00:00"));
    }

    /// <summary>
    /// An entity whose survey "Max rate" is 10 (glpi_entities.inquest_max_rate, 1-10 in the entity form, default 5; added by
    /// the GLPI 10 migration): GLPI keeps the answer on that scale in <c>satisfaction</c> and on 0-5 in
    /// <c>satisfaction_scaled_to_5</c> (glpi-project/glpi src/CommonITILSatisfaction.php, prepareInputForUpdate:
    /// satisfaction / (max_rate / 5)); the row is a glpi_ticketsatisfactions row as "Get sub items" returns it, with this
    /// test's ids and times. 8 of 10 and 2 of 10 were read as 8 and 2 of 5: the first rejected as out of range, the second
    /// taken for a middling answer.
    /// </summary>
    [Test]
    public async Task A_rating_on_a_ten_point_scale_is_read_through_its_value_scaled_to_five()
    {
        await using var server = await FakeTicketServer.StartAsync();
        ServeTicketsSevenAndEight(server, breached: false);
        server.On("/apirest.php/Ticket/7/TicketSatisfaction", Reply.Json("""
            [{"id":5,"tickets_id":7,"type":1,"date_begin":"2026-01-05 10:30:00","date_answered":"2026-01-05 10:45:00",
              "satisfaction":8,"satisfaction_scaled_to_5":4,"comment":null}]
            """));
        server.On("/apirest.php/Ticket/8/TicketSatisfaction", Reply.Json("""
            [{"id":6,"tickets_id":8,"type":1,"date_begin":"2026-01-05 11:30:00","date_answered":"2026-01-05 11:45:00",
              "satisfaction":2,"satisfaction_scaled_to_5":1,"comment":"Slow"}]
            """));
        using var harness = Harness(server);
        var before = TicketHarness.Rejected(Probe);

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(TicketHarness.Rejected(Probe) - before, Is.EqualTo(0));
        Assert.That(harness.Sink.Signals.OrderBy(s => s.Source).Select(s => (s.Source, Math.Round(s.Score, 3))),
            Is.EqualTo(new[] { ("glpi:7:csat:8", 0.6), ("glpi:8:csat:2", -0.6) }));
    }

    [Test]
    public async Task A_refused_solution_is_a_reopen_dated_when_it_was_refused()
    {
        await using var server = await FakeTicketServer.StartAsync();
        ServeSession(server);
        server.On("/apirest.php/search/Ticket", Reply.Json("""
            {"totalcount":1,"count":1,"data":[{"2":7,"19":"2026-01-05 11:00:00","82":0}]}
            """));
        ServeRequester(server, "7");
        // glpi_itilsolutions rows (apirest.md, "Get sub items"): status 4 = CommonITILValidation::REFUSED, set with
        // date_approval when the ticket is reopened; 3 = ACCEPTED.
        server.On("/apirest.php/Ticket/7/ITILSolution", Reply.Json("""
            [{"id":3,"itemtype":"Ticket","items_id":7,"content":"Rebooted","status":4,
              "date_creation":"2026-01-03 16:00:00","date_approval":"2026-01-04 09:00:00","users_id_approval":12},
             {"id":4,"itemtype":"Ticket","items_id":7,"content":"Replaced the disk","status":3,
              "date_creation":"2026-01-05 10:00:00","date_approval":"2026-01-05 10:30:00","users_id_approval":12}]
            """));
        using var harness = Harness(server);

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        var reopen = harness.Sink.Signals.Single();
        Assert.That((reopen.Kind, reopen.Source), Is.EqualTo((SignalKinds.TicketReopened, "glpi:7:reopened:3")));
        Assert.That(reopen.ObservedAt, Is.EqualTo(new DateTimeOffset(2026, 1, 4, 9, 0, 0, TimeSpan.Zero)));
    }

    [Test]
    public async Task Every_range_of_a_long_follow_up_list_is_read_up_to_its_Content_Range_count()
    {
        await using var server = await FakeTicketServer.StartAsync();
        ServeSession(server);
        server.On("/apirest.php/search/Ticket", Reply.Json("""{"totalcount":1,"count":1,"data":[{"2":7,"19":"2026-01-05 11:00:00","82":0}]}"""));
        ServeRequester(server, "7");
        // apirest.md, "Get sub items": range "(default: 0-50)", answered with "Content-Range: offset – limit / count" (its
        // example: "Content-Range: 0-50/200", "Accept-Range: 990"). A ticket with more follow-ups than one range holds: asked
        // without a range, GLPI gives the first ones only. Pages of two here; the requester's angry follow-up is the third.
        static string Followup(int id, string text) => $$"""
            {"id":{{id}},"itemtype":"Ticket","items_id":7,"users_id":12,"content":"&lt;p&gt;{{text}}&lt;/p&gt;","is_private":0,
             "date":"2026-01-05 10:0{{id - 40}}:00","date_creation":"2026-01-05 10:0{{id - 40}}:00"}
            """;
        server.On("/apirest.php/Ticket/7/ITILFollowup", new Reply(200, $"[{Followup(40, "Any news?")},{Followup(41, "Still down")}]",
            Headers: new Dictionary<string, string> { ["Content-Range"] = "0-1/3", ["Accept-Range"] = "990" }));
        server.On("/apirest.php/Ticket/7/ITILFollowup", ["range=2-3"], new Reply(200, $"[{Followup(42, "This is terrible")}]",
            Headers: new Dictionary<string, string> { ["Content-Range"] = "2-2/3", ["Accept-Range"] = "990" }));
        using var harness = new TicketHarness("Glpi", server.BaseUrl,
            new() { ["AppToken"] = "app", ["UserToken"] = "user", ["PageSize"] = "2" }, "ann@example.com");

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(harness.Sink.Signals.Select(s => s.Source), Is.EqualTo(new[] { "glpi:7:comment:42" }));
        Assert.That(server.Requests.Count(r => r.PathAndQuery.StartsWith("/apirest.php/Ticket/7/ITILFollowup", StringComparison.Ordinal)),
            Is.EqualTo(2), "asked until the count is read, not beyond it (GLPI answers 400 ERROR_RANGE_EXCEED_TOTAL there)");
    }

    private static void ServeSession(FakeTicketServer server)
    {
        // apirest.md, "Init session" and "Kill session".
        server.On("/apirest.php/initSession", Reply.Json("""{"session_token":"83af7e620c83a50a18d3eac2f6ed05a3ca0bea62"}"""));
        server.On("/apirest.php/killSession", Reply.Json("true"));
        server.On("/apirest.php/User/12/UserEmail", Reply.Json("""[{"id":3,"users_id":12,"is_default":1,"email":"ann@example.com"}]"""));
    }

    /// <summary>A session, tickets 7 (time to resolve exceeded when <paramref name="breached"/>) and 8, both Ann's.</summary>
    private static void ServeTicketsSevenAndEight(FakeTicketServer server, bool breached)
    {
        ServeSession(server);
        server.On("/apirest.php/search/Ticket", Reply.Json($$"""
            {"totalcount":2,"count":2,"data":[{"2":7,"19":"2026-01-05 11:00:00","82":{{(breached ? 1 : 0)}}},{"2":8,"19":"2026-01-05 12:00:00","82":0}]}
            """));
        ServeRequester(server, "7");
        ServeRequester(server, "8");
    }

    private static void ServeRequester(FakeTicketServer server, string id) =>
        server.On($"/apirest.php/Ticket/{id}/Ticket_User", Reply.Json(
            $$"""[{"id":1,"tickets_id":{{id}},"users_id":12,"type":1,"use_notification":1,"alternative_email":""}]"""));

    private static TicketHarness Harness(FakeTicketServer server) => new("Glpi", server.BaseUrl,
        new() { ["AppToken"] = "app", ["UserToken"] = "user" }, "ann@example.com");
}
