using Monitor.Core.Signals;
using NUnit.Framework;

namespace Monitor.Tests.Tickets;

/// <summary>Freshservice API v2 as it answers (api.freshservice.com, "Tickets", "Conversations", "CSAT").</summary>
public sealed partial class FreshserviceConnectorTests
{
    private const string Probe = "tickets_freshservice";

    /// <summary>
    /// GET /api/v2/tickets/{id}/csat_response (Freshservice API v2, CSAT of a ticket). The field names and values are
    /// those of a live instance's answer recorded in a public Freshservice integration's notes (the vendor page was not
    /// reachable from here): the rating text is only the score ("1/4" on a four-point survey) and the words are an
    /// answer in questionnaire_responses, each {"question":{"question_text"},"answers":[{"answer_text"}]}, the rating
    /// question first. The ids and times are this test's.
    /// </summary>
    private const string CsatWithWords = """
        {"csat_response":{"id":1004599450,"overall_rating":301,"overall_rating_text":"1/4",
          "score":{"acquired_score":1,"total_score":4},"created_at":"2026-01-05T09:30:00Z","updated_at":"2026-01-05T09:30:00Z",
          "questionnaire_responses":[
            {"question":{"question_text":"How did we do?"},"answers":[{"answer_text":"Poor"}]},
            {"question":{"question_text":"Feel free to share your thoughts"},
             "answers":[{"answer_text":"Nobody called me back and the laptop still does not boot."}]}]}}
        """;

    [Test]
    public async Task The_csat_keeps_the_persons_words_and_the_score_dated_when_given()
    {
        await using var server = await FakeTicketServer.StartAsync();
        ServeTickets(server, Ticket(1, "2026-01-05T10:00:00Z"));
        server.On("/api/v2/tickets/1/conversations", Reply.Json("""{"conversations":[]}"""));
        server.On("/api/v2/tickets/1/csat_response", Reply.Json(CsatWithWords));
        using var harness = Harness(server);

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        var csat = harness.Sink.Signals.Single();
        Assert.That((csat.Kind, csat.Source, csat.Score), Is.EqualTo((SignalKinds.TicketCsat, "freshservice:1:csat:1004599450", -1.0)));
        Assert.That(csat.Comment, Is.EqualTo("Nobody called me back and the laptop still does not boot."));
        Assert.That(csat.ObservedAt, Is.EqualTo(new DateTimeOffset(2026, 1, 5, 9, 30, 0, TimeSpan.Zero)));
    }

    [Test]
    public async Task Several_written_answers_are_kept_with_their_questions_and_a_rating_alone_has_no_comment()
    {
        await using var server = await FakeTicketServer.StartAsync();
        ServeTickets(server,
            Ticket(1, "2026-01-05T10:00:00Z"), Ticket(2, "2026-01-05T11:00:00Z"));
        server.On("/api/v2/tickets/1/conversations", Reply.Json("""{"conversations":[]}"""));
        server.On("/api/v2/tickets/2/conversations", Reply.Json("""{"conversations":[]}"""));
        server.On("/api/v2/tickets/1/csat_response", Reply.Json("""
            {"csat_response":{"id":11,"overall_rating_text":"4/4","score":{"acquired_score":4,"total_score":4},
              "created_at":"2026-01-05T09:00:00Z",
              "questionnaire_responses":[{"question":{"question_text":"How did we do?"},"answers":[{"answer_text":"Great"}]},
                {"question":{"question_text":"What went well?"},"answers":[{"answer_text":"Fast"}]},
                {"question":{"question_text":"Anything else?"},"answers":[{"answer_text":" "}]},
                {"question":{"question_text":"What could be better?"},"answers":[{"answer_text":"Nothing"}]}]}}
            """));
        server.On("/api/v2/tickets/2/csat_response", Reply.Json("""
            {"csat_response":{"id":12,"overall_rating_text":"3/4","score":{"acquired_score":3,"total_score":4},
              "created_at":"2026-01-05T10:30:00Z",
              "questionnaire_responses":[{"question":{"question_text":"How did we do?"},"answers":[{"answer_text":"Good"}]}]}}
            """));
        using var harness = Harness(server);

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        var signals = harness.Sink.Signals.OrderBy(s => s.Source).ToList();
        Assert.That(signals.Select(s => (Math.Round(s.Score, 3), s.Comment)), Is.EqualTo(new (double, string?)[]
        {
            (1.0, "What went well?: Fast\nWhat could be better?: Nothing"),
            (0.333, null),
        }));
    }

    [Test]
    public async Task A_conversation_with_a_placeholder_time_or_an_out_of_range_csat_is_rejected_alone()
    {
        await using var server = await FakeTicketServer.StartAsync();
        ServeTickets(server,
            Ticket(1, "2026-01-05T10:00:00Z", escalated: true));
        server.On("/api/v2/tickets/1/conversations", Reply.Json("""
            {"conversations":[
              {"id":11,"user_id":50,"body_text":"This is terrible","incoming":true,"private":false,"created_at":"2026-01-05T09:00:00Z"},
              {"id":12,"user_id":50,"body_text":"Still angry","incoming":true,"private":false,"created_at":"0"}]}
            """));
        server.On("/api/v2/tickets/1/csat_response", Reply.Json("""
            {"csat_response":{"id":13,"overall_rating_text":"9/4","score":{"acquired_score":9,"total_score":4},
              "created_at":"2026-01-05T09:30:00Z"}}
            """));
        using var harness = Harness(server);
        var before = TicketHarness.Rejected(Probe);

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(TicketHarness.Rejected(Probe) - before, Is.EqualTo(2), "conversation 12 and the CSAT");
        Assert.That(result.Message, Does.Contain("1 tickets").And.Contain("2 rejected"));
        Assert.That(harness.Sink.Signals.Select(s => s.Source).OrderBy(s => s), Is.EqualTo(new[]
        {
            "freshservice:1:comment:11", "freshservice:1:sla_breached",
        }));
        Assert.That(harness.Watermarks.Values[Probe], Is.EqualTo("2026-01-05T10:00:00.0000000+00:00"));
    }

    private static string Ticket(int id, string updatedAt, bool escalated = false) => $$$"""
        {"id":{{{id}}},"requester_id":50,"updated_at":"{{{updatedAt}}}","is_escalated":{{{(escalated ? "true" : "false")}}},
         "requester":{"id":50,"email":"ann@example.com"}}
        """;

    private static void ServeTickets(FakeTicketServer server, params string[] tickets) =>
        server.On("/api/v2/tickets", ["page=1"], Reply.Json($$"""{"tickets":[{{string.Join(",", tickets)}}]}"""));

    private static TicketHarness Harness(FakeTicketServer server) =>
        new("Freshservice", server.BaseUrl, new() { ["ApiKey"] = "key", ["PageSize"] = "50" }, "ann@example.com");
}
