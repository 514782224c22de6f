using Monitor.Core.Signals;
using Monitor.Probes.Tickets;
using NUnit.Framework;

namespace Monitor.Tests.Tickets;

[NonParallelizable]
public sealed partial class GlpiConnectorTests : TicketConnectorConformance<GlpiOptions>
{
    [Test]
    public async Task Session_search_requester_followups_and_satisfaction_are_read_and_the_session_closed()
    {
        await using var server = await FakeTicketServer.StartAsync();
        server.On("/apirest.php/initSession", Reply.Json("""{"session_token":"83af7e620c83a50a18d3eac2f6ed05a3ca0bea62"}"""));
        server.On("/apirest.php/search/Ticket", Reply.Json("""
            {"totalcount":1,"count":1,"sort":[19],"order":["ASC"],"data":[{"2":7,"19":"2026-01-05 11:00:00","82":0}]}
            """));
        server.On("/apirest.php/Ticket/7/Ticket_User", Reply.Json("""
            [{"id":1,"tickets_id":7,"users_id":12,"type":1,"use_notification":1,"alternative_email":""},
             {"id":2,"tickets_id":7,"users_id":2,"type":2,"use_notification":1,"alternative_email":""}]
            """));
        server.On("/apirest.php/User/12/UserEmail", Reply.Json("""[{"id":3,"users_id":12,"is_default":1,"email":"ann@example.com"}]"""));
        server.On("/apirest.php/Ticket/7/ITILFollowup", Reply.Json("""
            [{"id":40,"itemtype":"Ticket","items_id":7,"users_id":12,"content":"&lt;p&gt;This is terrible&lt;/p&gt;","is_private":0,
              "date":"2026-01-05 10:00:00","date_creation":"2026-01-05 10:00:00"},
             {"id":41,"itemtype":"Ticket","items_id":7,"users_id":2,"content":"&lt;p&gt;Great news&lt;/p&gt;","is_private":0,
               "date":"2026-01-05 10:10:00","date_creation":"2026-01-05 10:10:00"},
             {"id":42,"itemtype":"Ticket","items_id":7,"users_id":12,"content":"angry","is_private":1,"date":"2026-01-05 10:20:00",
               "date_creation":"2026-01-05 10:20:00"}]
            """));
        server.On("/apirest.php/Ticket/7/TicketSatisfaction", Reply.Json("""
            [{"id":5,"tickets_id":7,"type":1,"date_begin":"2026-01-05 10:30:00","date_answered":"2026-01-05 10:45:00","satisfaction":0,
              "comment":"no"}]
            """));
        server.On("/apirest.php/killSession", Reply.Json("true"));
        using var harness = new TicketHarness("Glpi", server.BaseUrl,
            new() { ["AppToken"] = "app", ["UserToken"] = "user", ["TimeZone"] = "Europe/Paris" }, "ann@example.com");

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(harness.Sink.Signals.Select(s => (s.Kind, s.Source, s.Score)).OrderBy(s => s.Source), Is.EqualTo(new[]
        {
            (SignalKinds.TicketSentiment, "glpi:7:comment:40", -0.8),
            (SignalKinds.TicketCsat, "glpi:7:csat:0", -1.0),
        }));
        // 11:00 in Paris is 10:00 UTC.
        Assert.That(harness.Watermarks.Values["tickets_glpi"], Is.EqualTo("2026-01-05T10:00:00.0000000+00:00"));
        var requests = server.Requests.ToList();
        Assert.That(requests[0].Headers.Authorization.ToString(), Is.EqualTo("user_token user"));
        Assert.That(requests[1].Headers["Session-Token"].ToString(), Is.EqualTo("83af7e620c83a50a18d3eac2f6ed05a3ca0bea62"));
        Assert.That(requests.All(r => r.Headers["App-Token"] == "app"));
        Assert.That(server.Count("/apirest.php/killSession"), Is.EqualTo(1));
    }

    private const string GlpiTime = "yyyy-MM-dd HH:mm:ss";

    protected override string Section => "Glpi";

    protected override IReadOnlyDictionary<string, string> Credentials { get; } =
        new Dictionary<string, string> { ["AppToken"] = "app", ["UserToken"] = "user" };

    // initSession's answer to an invalid user token (GLPI apirest.md, "Errors": ERROR_GLPI_LOGIN_USER_TOKEN).
    protected override Reply Unauthorized { get; } =
        new(401, """["ERROR_GLPI_LOGIN_USER_TOKEN","parameter user_token seems invalid"]""");

    protected override string CommentSource(ConformanceTicket ticket) => $"glpi:{ticket.Number}:comment:{40 + ticket.Number}";

    /// <summary>
    /// initSession, GET search/Ticket sorted on date_mod (option 19) and paged by range with totalcount (data as
    /// rows or keyed by item id, page by page), then per
    /// ticket Ticket_User, User/{id}/UserEmail and ITILFollowup (HTML-encoded content), per GLPI's apirest.md
    /// ("Search items", "Get sub items"); no TicketSatisfaction (404). The malformed ticket's follow-ups are cut off.
    /// </summary>
    protected override void Serve(FakeTicketServer server, IReadOnlyList<ConformanceTicket> tickets, int pageSize, int? malformed = null)
    {
        server.On("/apirest.php/initSession", Reply.Json("""{"session_token":"83af7e620c83a50a18d3eac2f6ed05a3ca0bea62"}"""));
        server.On("/apirest.php/killSession", Reply.Json("true"));
        server.On("/apirest.php/User/12/UserEmail", Reply.Json("""[{"id":3,"users_id":12,"is_default":1,"email":"ann@example.com"}]"""));
        foreach (var page in tickets.Chunk(pageSize).Select((chunk, i) => (Rows: chunk, Start: i * pageSize)))
        {
            // Odd pages in the shape apirest.md documents ("data" keyed by item id, in reverse here: JSON keeps no
            // order), even pages as arrays of rows: the connector must read both.
            var keyed = page.Start / pageSize % 2 == 1;
            var data = keyed
                ? "{" + string.Join(",", page.Rows.Reverse().Select(t =>
                    $$"""  "{{t.Number}}":{"19":"{{t.Updated(GlpiTime)}}","82":0}""")) + "}"
                : "[" + string.Join(",", page.Rows.Select(t => $$"""{"2":{{t.Number}},"19":"{{t.Updated(GlpiTime)}}","82":0}""")) + "]";
            server.On("/apirest.php/search/Ticket", [$"range={page.Start}-{page.Start + pageSize - 1}"], Reply.Json(
                $$"""{"totalcount":{{tickets.Count}},"count":{{page.Rows.Length}},"sort":[19],"order":["ASC"],"data":{{data}}}"""));
        }
        foreach (var t in tickets)
        {
            server.On($"/apirest.php/Ticket/{t.Number}/Ticket_User", Reply.Json(
                $$"""[{"id":{{t.Number}},"tickets_id":{{t.Number}},"users_id":12,"type":1,"alternative_email":""}]"""));
            var followups = t.Number == malformed
                ? """[{"id":4"""
                : $$"""
                  [{"id":{{40 + t.Number}},"itemtype":"Ticket","items_id":{{t.Number}},"users_id":12,
                    "content":"&lt;p&gt;{{t.Comment}}&lt;/p&gt;",
                    "is_private":0,"date":"{{t.Updated(GlpiTime)}}","date_creation":"{{t.Updated(GlpiTime)}}"}]
                  """;
            server.On($"/apirest.php/Ticket/{t.Number}/ITILFollowup", Reply.Json(followups));
        }
    }
}
