using NUnit.Framework;

namespace Monitor.Tests.Tickets;

/// <summary>
/// Freshservice API v2 lists page by <c>page</c>/<c>per_page</c> (api.freshservice.com, "Pagination": a page holds at most
/// <c>per_page</c> items, the next one is asked for with <c>page=n+1</c>). A server (or a proxy caching on the path
/// without the query) that ignores <c>page</c> answers the first page every time; the list and the conversations would be
/// read until a limit stopped the run.
/// </summary>
public sealed partial class FreshserviceConnectorTests
{
    private const string Before = "2026-01-01T00:00:00.0000000+00:00";

    [Test]
    public async Task A_ticket_list_that_ignores_the_page_ends_the_read_once_counted_and_holds_the_watermark()
    {
        await using var server = await FakeTicketServer.StartAsync();
        var page = $$"""{"tickets":[{{Ticket(2, "2026-01-05T11:00:00Z")}},{{Ticket(1, "2026-01-05T10:00:00Z")}}]}""";
        // The same full page whatever `page` says; the fake's last answer (an empty page) only bounds a read without the guard.
        server.On("/api/v2/tickets", Enumerable.Repeat(Reply.Json(page), 5).Append(Reply.Json("""{"tickets":[]}""")).ToArray());
        foreach (var id in new[] { 1, 2 })
            server.On($"/api/v2/tickets/{id}/conversations", Reply.Json($$"""
                {"conversations":[{"id":{{10 + id}},"user_id":50,"body_text":"Thanks","incoming":true,"private":false,
                  "created_at":"2026-01-05T09:00:00Z"}]}
                """));
        using var harness = PagedHarness(server, pageSize: 2);
        harness.Watermarks.Values[Probe] = Before;
        var before = TicketHarness.Rejected(Probe);

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(server.Count("/api/v2/tickets"), Is.EqualTo(2), "page 2 repeated page 1: the read ends there");
        Assert.That(result.Message, Does.Contain("2 tickets").And.Contain("1 rejected"));
        Assert.That(TicketHarness.Rejected(Probe) - before, Is.EqualTo(1));
        Assert.That(harness.Sink.Signals.Select(s => s.Source).OrderBy(s => s),
            Is.EqualTo(new[] { "freshservice:1:comment:11", "freshservice:2:comment:12" }), "what was read is stored once");
        Assert.That(harness.Watermarks.Values[Probe], Is.EqualTo(Before),
            "tickets behind page 1 were not read and may be older than those read: the watermark stays");
    }

    [Test]
    public async Task A_page_that_repeats_a_ticket_shifted_by_a_new_one_is_not_taken_for_a_repeated_page()
    {
        await using var server = await FakeTicketServer.StartAsync();
        // Listed newest-created first: ticket 4, created between the two requests, pushed ticket 2 onto page 2 again.
        server.On("/api/v2/tickets", ["&page=1&"], Reply.Json($$"""{"tickets":[{{Ticket(3, "2026-01-05T12:00:00Z")}},{{Ticket(2, "2026-01-05T11:00:00Z")}}]}"""));
        server.On("/api/v2/tickets", ["&page=2&"], Reply.Json($$"""{"tickets":[{{Ticket(2, "2026-01-05T11:00:00Z")}},{{Ticket(1, "2026-01-05T10:00:00Z")}}]}"""));
        server.On("/api/v2/tickets", ["&page=3&"], Reply.Json("""{"tickets":[]}"""));
        foreach (var id in new[] { 1, 2, 3 })
            server.On($"/api/v2/tickets/{id}/conversations", Reply.Json("""{"conversations":[]}"""));
        using var harness = PagedHarness(server, pageSize: 2);

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(result.Message, Does.Contain("0 rejected"));
        Assert.That(server.Count("/api/v2/tickets"), Is.EqualTo(3));
        Assert.That(harness.Watermarks.Values[Probe], Is.EqualTo("2026-01-05T12:00:00.0000000+00:00"));
    }

    [Test]
    public async Task A_conversation_list_that_ignores_the_page_ends_that_list_rejected_alone()
    {
        await using var server = await FakeTicketServer.StartAsync();
        ServeTickets(server, Ticket(1, "2026-01-05T10:00:00Z"));
        var page = """
            {"conversations":[
              {"id":11,"user_id":50,"body_text":"Thanks","incoming":true,"private":false,"created_at":"2026-01-05T09:00:00Z"},
              {"id":12,"user_id":50,"body_text":"This is terrible","incoming":true,"private":false,"created_at":"2026-01-05T09:10:00Z"}]}
            """;
        server.On("/api/v2/tickets/1/conversations",
            Enumerable.Repeat(Reply.Json(page), 5).Append(Reply.Json("""{"conversations":[]}""")).ToArray());
        using var harness = PagedHarness(server, pageSize: 2);
        var before = TicketHarness.Rejected(Probe);

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(server.Count("/api/v2/tickets/1/conversations"), Is.EqualTo(2));
        Assert.That(TicketHarness.Rejected(Probe) - before, Is.EqualTo(1), "the repeated page, once");
        Assert.That(harness.Sink.Signals.Select(s => s.Source).OrderBy(s => s),
            Is.EqualTo(new[] { "freshservice:1:comment:11", "freshservice:1:comment:12" }));
        Assert.That(harness.Watermarks.Values[Probe], Is.EqualTo("2026-01-05T10:00:00.0000000+00:00"),
            "the ticket was read: a cut list of its conversations does not hold the watermark");
    }

    private static TicketHarness PagedHarness(FakeTicketServer server, int pageSize) =>
        new("Freshservice", server.BaseUrl, new() { ["ApiKey"] = "key", ["PageSize"] = pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            "ann@example.com");
}
