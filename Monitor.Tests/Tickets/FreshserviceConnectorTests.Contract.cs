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

    /// <summary>
    /// GET /api/v2/tickets/{id}/csat_response as Freshservice documents it (api.freshservice.com, Tickets, "CSAT Response",
    /// read through the public scrape of that single-page reference, github.com/ktj709/API-scraping-freshservice
    /// <c>data/raw_freshservice_docs.json</c>, section "csat-response-freshservice-freshservice-for-msps"; November 2026).
    /// Unchanged but for one comma: the published example lacks the one between <c>questionnaire_responses</c>' closing
    /// bracket and <c>"created_at"</c>, so as printed it is not JSON. Unlike a live instance's answer (above) it has no
    /// <c>score</c>, names the rating question in <c>primary_question</c> and lists only the further questions.
    /// </summary>
    private const string VendorCsatExample = """
        {
        "csat_response": {
        "id": 1,
        "overall_rating": 101,
        "overall_rating_text": "Awesome",
        "primary_question": "Share your experience working with us.",
        "questionnaire_responses": [
        {
        "question": {
        "question_text": "Were we able to resolve your issue?"
        },
        "answers": [
        {
        "answer_text": "Yes"
        }
        ]
        }
        ],
        "created_at": "2021-02-01T12:22:22.343Z",
        "updated_at": "2021-02-01T12:22:29.343Z"
        }
        }
        """;

    /// <summary>
    /// The vendor's own example has no score, and its <c>overall_rating</c> is a "feedback code" whose values the reference
    /// does not list: the CSAT is rejected alone (counted, logged with the ticket id), the ticket's other records and the
    /// run go on; before, such an answer was dropped without a word.
    /// </summary>
    [Test]
    public async Task The_vendors_documented_csat_without_a_score_is_rejected_alone_not_dropped_silently()
    {
        await using var server = await FakeTicketServer.StartAsync();
        ServeTickets(server, Ticket(1, "2026-01-05T10:00:00Z"));
        server.On("/api/v2/tickets/1/conversations", Reply.Json("""
            {"conversations":[{"id":11,"user_id":50,"body_text":"Thanks","incoming":true,"private":false,"created_at":"2026-01-05T09:00:00Z"}]}
            """));
        server.On("/api/v2/tickets/1/csat_response", Reply.Json(VendorCsatExample));
        using var harness = Harness(server);
        var before = TicketHarness.Rejected(Probe);

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(TicketHarness.Rejected(Probe) - before, Is.EqualTo(1), "the CSAT without a score");
        Assert.That(result.Message, Does.Contain("1 rejected"));
        Assert.That(harness.Sink.Signals.Select(s => s.Source), Is.EqualTo(new[] { "freshservice:1:comment:11" }));
    }

    /// <summary>
    /// The vendor's example with the <c>score</c> a live instance sends beside it (3 of 4, this test's): the rating question
    /// is <c>primary_question</c>, so the one listed answer is the person's and is kept (before, the first listed answer was
    /// always taken for the rating and dropped); dated by <c>created_at</c>, keyed by the response's id.
    /// </summary>
    [Test]
    public async Task With_a_primary_question_every_listed_answer_is_the_persons()
    {
        await using var server = await FakeTicketServer.StartAsync();
        ServeTickets(server, Ticket(1, "2026-01-05T10:00:00Z"));
        server.On("/api/v2/tickets/1/conversations", Reply.Json("""{"conversations":[]}"""));
        server.On("/api/v2/tickets/1/csat_response", Reply.Json(VendorCsatExample.Replace(
            "\"overall_rating\": 101,", "\"overall_rating\": 101, \"score\": {\"acquired_score\": 3, \"total_score\": 4},",
            StringComparison.Ordinal)));
        using var harness = Harness(server);

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        var csat = harness.Sink.Signals.Single();
        Assert.That((csat.Kind, csat.Source, Math.Round(csat.Score, 3)), Is.EqualTo((SignalKinds.TicketCsat, "freshservice:1:csat:1", 0.333)));
        Assert.That(csat.Comment, Is.EqualTo("Yes"));
        Assert.That(csat.ObservedAt, Is.EqualTo(new DateTimeOffset(2021, 2, 1, 12, 22, 22, 343, TimeSpan.Zero)));
    }

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
