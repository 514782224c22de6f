using Monitor.Core.Signals;
using NUnit.Framework;

namespace Monitor.Tests.Tickets;

/// <summary>Freshservice ticket activities come 20 at a time, newest first; older ones are behind next_page_url.</summary>
public sealed partial class FreshserviceConnectorTests
{
    /// <summary>
    /// The response example of "Get Ticket Activity" (https://api.freshservice.com/#get_ticket_activities, as scraped in
    /// github.com/ktj709/API-scraping-freshservice data/raw_freshservice_docs.json), unchanged: actors, wording, times
    /// and the next_page_url with its start_token are the vendor's. It is the older page here.
    /// </summary>
    private const string VendorActivities = """
        {"activities":[
          {"actor":{"id":1434,"name":"Rubeus Hagrid"},"content":" restored this ticket from trash","sub_contents":[],
           "created_at":"2021-06-15T05:28:10Z"},
          {"actor":{"id":123456,"name":"Rubeus Hagrid"},"content":" deleted this ticket","sub_contents":[],
           "created_at":"2021-06-09T18:10:05Z"},
          {"actor":{"id":0,"name":"Ticket Workflow"},"content":" executed sla test 1 workflow from Ticket is raised  event",
           "sub_contents":["set Department as Development and set Group as Capacity Management Team","Workflow Ends"],
           "created_at":"2021-06-09T18:03:01Z"},
          {"actor":{"id":0,"name":"Ticket Workflow"},"content":" executed Copy of sla test 1 workflow from Ticket is raised  event",
           "sub_contents":["set Source as Portal","Workflow Ends"],"created_at":"2021-06-09T18:03:01Z"},
          {"actor":{"id":4223,"name":"Filius Flitwick"},
           "content":"created ticket for Email210609233300,  set Status as Open, set Urgency as Low, set Priority as Medium, set Source as Portal, set Type as Incident and set Impact as Low",
           "sub_contents":["System executed Default SLA Policy (SLA)"],"created_at":"2021-06-09T18:03:01Z"}],
         "next_page_url":"https://domain.freshservice.com/api/v2/tickets/152/activities?start_token=1809702706264195955"}
        """;

    [Test]
    public async Task A_reopen_whose_resolve_is_on_an_older_page_of_activities_is_found()
    {
        await using var server = await FakeTicketServer.StartAsync();
        ServeTickets(server, Ticket(1, "2021-06-20T10:00:00Z"));
        server.On("/api/v2/tickets/1/conversations", Reply.Json("""{"conversations":[]}"""));
        // The newest page: the requester's reply reopens the ticket, resolved on the page before (this test's entries).
        server.On("/api/v2/tickets/1/activities", Reply.Json("""
            {"activities":[
              {"actor":{"id":50,"name":"Ann"},"content":" replied to the ticket","sub_contents":["set Status as Open"],
               "created_at":"2021-06-18T08:15:00Z"}],
             "next_page_url":"https://domain.freshservice.com/api/v2/tickets/1/activities?start_token=42"}
            """));
        server.On("/api/v2/tickets/1/activities", ["start_token=42"], Reply.Json("""
            {"activities":[
              {"actor":{"id":90,"name":"Rachel"},"content":" set Status as Resolved","sub_contents":[],
               "created_at":"2021-06-16T16:00:00Z"}],
             "next_page_url":"https://domain.freshservice.com/api/v2/tickets/1/activities?start_token=1809702706264195955"}
            """));
        // The oldest page, the vendor's example: its next_page_url names its own start_token, which is not asked twice.
        server.On("/api/v2/tickets/1/activities", ["start_token=1809702706264195955"], Reply.Json(VendorActivities));
        using var harness = Harness(server);

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        var at = new DateTimeOffset(2021, 6, 18, 8, 15, 0, TimeSpan.Zero);
        Assert.That(harness.Sink.Signals.Select(s => (s.Kind, s.Source, s.ObservedAt)), Is.EqualTo(new[]
        {
            (SignalKinds.TicketReopened, $"freshservice:1:reopened:{at.ToUnixTimeMilliseconds()}", at),
        }));
        Assert.That(server.Requests.Where(r => r.PathAndQuery.Contains("/activities", StringComparison.Ordinal))
            .Select(r => r.PathAndQuery), Is.EqualTo(new[]
            {
                "/api/v2/tickets/1/activities", "/api/v2/tickets/1/activities?start_token=42",
                "/api/v2/tickets/1/activities?start_token=1809702706264195955",
            }), "each page once, on this ticket's path");
    }

    [Test]
    public async Task The_vendors_example_alone_is_no_reopen()
    {
        await using var server = await FakeTicketServer.StartAsync();
        ServeTickets(server, Ticket(1, "2021-06-20T10:00:00Z"));
        server.On("/api/v2/tickets/1/conversations", Reply.Json("""{"conversations":[]}"""));
        server.On("/api/v2/tickets/1/activities", Reply.Json(VendorActivities));
        using var harness = Harness(server);

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(harness.Sink.Signals, Is.Empty, "created Open, deleted and restored: never resolved, so never reopened");
    }
}
