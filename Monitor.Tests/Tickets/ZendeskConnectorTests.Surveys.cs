using Monitor.Core.Signals;
using NUnit.Framework;

namespace Monitor.Tests.Tickets;

/// <summary>Zendesk's CSAT survey responses (the new CSAT) as CSAT signals, beside the legacy satisfaction rating.</summary>
public sealed partial class ZendeskConnectorTests
{
    private const string SurveyPath = "/api/v2/guide/survey_responses";

    // developer.zendesk.com/api-reference/ticketing/ticket-management/csat_survey_responses, "List Survey Responses",
    // "Example response(s)", 200 OK: the vendor's example verbatim (ticket 99, rating 1 "bad", one open-ended answer,
    // one skipped).
    private const string DocumentedSurveyResponses = """
        {"meta":{"after_cursor":"MW","before_cursor":"MQ","has_more":false},"survey_responses":[{"answers":[
          {"created_at":"2024-08-14T12:00:00.000Z","question":{"id":"01J1WBE8QR0YQVE373K2JDJR0F","sub_type":"customer_satisfaction",
           "type":"rating_scale_numeric"},"rating":1,"rating_category":"bad","type":"rating_scale","updated_at":"2024-08-14T12:00:00.000Z"},
          {"created_at":"2024-08-14T12:00:00.000Z","question":{"id":"01J1WBGX1BR4ECKTS87CRJTXSF","type":"closed_ended"},
           "selections":[{"option_id":"01J1WBKRG57E6M8C1145EXJ535","type":"predefined"}],"type":"closed_ended",
           "updated_at":"2024-08-14T12:00:00.000Z"},
          {"created_at":"2024-08-14T12:00:00.000Z","question":{"id":"01J1WBNS76ZC4TTFWP9RCNQ1S8","type":"open_ended"},
           "type":"open_ended","updated_at":"2024-08-14T12:00:00.000Z","value":"I had to repeatedly answer the same questions."},
          {"created_at":"2024-08-14T12:00:00.000Z","question":{"id":"01J1WBSAZWVY2XR1EFZKS3CM13","type":"open_ended"},
           "type":"skipped","updated_at":"2024-08-14T12:00:00.000Z"}],
         "expires_at":"2024-08-14T12:00:00.000Z","id":"01J1WB51MG6HXTYWE6Q0C93RNW","responder_id":4398080151295,
         "subject_zrns":["zen:ticket:99"],"subjects":[{"id":"99","type":"ticket","zrn":"zen:ticket:99"}],
         "survey":{"id":"01J58KJ9RAE0D2EK7HRVM7Z8F2","state":"enabled","version":3}}]}
        """;

    /// <summary>An export page of the given tickets (ids and times this test's), with no comments, audits or SLA events.</summary>
    private static async Task<FakeTicketServer> ServeSurveyedTicketsAsync(params int[] ids)
    {
        var server = await FakeTicketServer.StartAsync();
        var rows = string.Join(",", ids.Select(id =>
            $$"""{"id":{{id}},"requester_id":20978392,"status":"solved","updated_at":"2026-01-05T10:00:00Z"}"""));
        server.On("/api/v2/incremental/tickets/cursor.json", Reply.Json($$"""
            {"tickets":[{{rows}}],"users":[{"id":20978392,"email":"ann@example.com"}],"after_cursor":"x","end_of_stream":true}
            """));
        foreach (var id in ids)
        {
            server.On($"/api/v2/tickets/{id}/comments.json", Reply.Json("""{"comments":[],"next_page":null}"""));
            server.On($"/api/v2/tickets/{id}/audits.json", Reply.Json(NoAudits));
        }
        server.On("/api/v2/incremental/ticket_metric_events", Reply.Json(NoMetricEvents));
        return server;
    }

    /// <summary>A survey response for one ticket in the documented shape; the rating answer and id are the caller's.</summary>
    private static string SurveyResponse(string id, int ticket, string ratingAnswer, string words = "")
    {
        var openEnded = words.Length == 0 ? "" : $$"""
            ,{"type":"open_ended","value":"{{words}}","question":{"id":"q2","type":"open_ended"},
              "created_at":"2026-01-05T09:00:00.000Z","updated_at":"2026-01-05T09:00:00.000Z"}
            """;
        return $$"""
            {"id":"{{id}}","responder_id":4398080151295,"expires_at":"2026-01-12T10:00:00.000Z","subject_zrns":["zen:ticket:{{ticket}}"],
             "subjects":[{"id":"{{ticket}}","type":"ticket","zrn":"zen:ticket:{{ticket}}"}],
             "survey":{"id":"01J58KJ9RAE0D2EK7HRVM7Z8F2","state":"enabled","version":3},"answers":[{{ratingAnswer}}{{openEnded}}]}
            """;
    }

    [Test]
    public async Task The_documented_survey_response_becomes_a_bad_CSAT_with_the_persons_words_dated_when_given_and_keyed_by_its_id()
    {
        await using var server = await ServeSurveyedTicketsAsync(99);
        server.On(SurveyPath, ["filter[subject_zrns]=zen:ticket:99"], Reply.Json(DocumentedSurveyResponses));
        using var harness = ZendeskHarness(server);

        var first = await harness.RunAsync();
        var second = await harness.RunAsync();

        Assert.That(first.Success && second.Success, Is.True, first.Message + second.Message);
        Assert.That(harness.Sink.Signals.Select(s => (s.Kind, s.Source, s.Score, s.ObservedAt, s.Comment)), Is.EqualTo(new[]
        {
            (SignalKinds.TicketCsat, "zendesk:99:csat:01J1WB51MG6HXTYWE6Q0C93RNW", -1.0,
                new DateTimeOffset(2024, 8, 14, 12, 0, 0, TimeSpan.Zero), (string?)"I had to repeatedly answer the same questions."),
        }), "one signal after two runs");
        Assert.That(server.Requests.Count(r => r.PathAndQuery.StartsWith(SurveyPath, StringComparison.Ordinal)
            && r.PathAndQuery.Contains("page[size]=100")), Is.EqualTo(2), "one list call a page of tickets, each run");
    }

    [Test]
    public async Task A_listed_scale_maps_linearly_the_category_otherwise_pages_are_followed_and_a_bad_response_is_rejected_alone()
    {
        await using var server = await ServeSurveyedTicketsAsync(101, 102, 103);
        const string fiveOptions = """
            [{"rating":1,"label":{"type":"static","value":"Very unsatisfied"}},{"rating":2},{"rating":3},
             {"rating":4},{"rating":5,"label":{"type":"static","value":"Very satisfied"}}]
            """;
        var fourOfFive = $$$"""
            {"type":"rating_scale","rating":4,"rating_category":"good","created_at":"2026-01-05T09:00:00.000Z",
             "updated_at":"2026-01-05T09:30:00.000Z","question":{"id":"q1","type":"rating_scale_numeric","sub_type":"customer_satisfaction",
             "options":{{{fiveOptions}}}}}
            """;
        const string neutral = """
            {"type":"rating_scale","rating":3,"rating_category":"neutral","created_at":"2026-01-05T09:00:00.000Z",
             "updated_at":"2026-01-05T09:00:00.000Z","question":{"id":"q1","type":"rating_scale_emoji","sub_type":"customer_satisfaction"}}
            """;
        const string notANumber = """
            {"type":"rating_scale","rating":"four","rating_category":"good","created_at":"2026-01-05T09:00:00.000Z",
             "updated_at":"2026-01-05T09:00:00.000Z",
             "question":{"id":"q1","type":"rating_scale_numeric","sub_type":"customer_satisfaction"}}
            """;
        // The fake answers with the route registered last first: the follow-up page is registered after the first one.
        server.On(SurveyPath, ["filter[subject_zrns]=zen:ticket:101,zen:ticket:102,zen:ticket:103"], Reply.Json($$"""
            {"meta":{"has_more":true,"after_cursor":"Mg"},"survey_responses":[{{SurveyResponse("R101", 101, fourOfFive, "Quick, thanks")}},
             {{SurveyResponse("R102", 102, neutral)}},{{SurveyResponse("R900", 900, neutral)}}]}
            """));
        server.On(SurveyPath, ["page[after]=Mg"], Reply.Json($$"""
            {"meta":{"has_more":false,"after_cursor":"Mw"},"survey_responses":[{{SurveyResponse("R103", 103, notANumber)}}]}
            """));
        using var harness = ZendeskHarness(server);
        var before = TicketHarness.Rejected("tickets_zendesk");

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(result.Message, Does.Contain("3 tickets").And.Contain("1 rejected"));
        Assert.That(TicketHarness.Rejected("tickets_zendesk") - before, Is.EqualTo(1));
        Assert.That(harness.Sink.Signals.Select(s => (s.Source, s.Score, s.ObservedAt, s.Comment)).OrderBy(s => s.Source), Is.EqualTo(new[]
        {
            ("zendesk:101:csat:R101", 0.5, new DateTimeOffset(2026, 1, 5, 9, 30, 0, TimeSpan.Zero), (string?)"Quick, thanks"),
            ("zendesk:102:csat:R102", 0.0, new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero), null),
        }), "4 of 1..5 is +0.5, neutral without the scale is 0; a response about a ticket not asked for is not taken");
    }

    [TestCase(404, """{"errors":[{"code":"NotFound","status":"404","title":"Not Found"}]}""")]
    [TestCase(403, """{"errors":[{"code":"Forbidden","status":"403","title":"Access to the resource is forbidden"}]}""")]
    [TestCase(200, """{"meta":{"has_more":false,"after_cursor":null,"before_cursor":null},"survey_responses":[]}""")]
    public async Task An_account_on_the_legacy_CSAT_keeps_its_rating_whatever_the_survey_list_answers(int status, string body)
    {
        await using var server = await ServeOneTicketAsync();
        server.On(SurveyPath, new Reply(status, body));
        using var harness = ZendeskHarness(server);

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(harness.Sink.Signals.Where(s => s.Kind == SignalKinds.TicketCsat).Select(s => (s.Source, s.Score, s.Comment)),
            Is.EqualTo(new[] { ("zendesk:35436:csat:bad", -1.0, (string?)"Nobody helped") }));
        Assert.That(server.Count(SurveyPath), Is.EqualTo(status == 200 ? 2 : 1), "a refusal or 404 stops the asking for the run");
    }

    /// <summary>A ticket read through show_many for its SLA breach is asked about its survey responses too.</summary>
    [Test]
    public async Task A_breached_ticket_outside_the_export_gets_its_survey_CSAT()
    {
        await using var server = await ServeSurveyedTicketsAsync(35436);
        server.On("/api/v2/incremental/ticket_metric_events", Reply.Json("""
            {"ticket_metric_events":[{"id":926232757380,"ticket_id":40001,"metric":"requester_wait_time","instance_id":1,"type":"breach",
              "time":"2026-01-05T09:30:00Z"}],"next_page":null,"count":1,"end_of_stream":true}
            """));
        server.On("/api/v2/tickets/show_many.json", ["ids=40001"], Reply.Json("""
            {"tickets":[{"id":40001,"requester_id":20978392,"status":"solved","updated_at":"2026-01-04T16:00:00Z"}],
             "users":[{"id":20978392,"email":"ann@example.com"}]}
            """));
        server.On("/api/v2/tickets/40001/comments.json", Reply.Json("""{"comments":[],"next_page":null}"""));
        server.On("/api/v2/tickets/40001/audits.json", Reply.Json(NoAudits));
        server.On(SurveyPath, ["zen:ticket:40001"], Reply.Json(DocumentedSurveyResponses.Replace("99", "40001")));
        server.On(SurveyPath, ["zen:ticket:35436"], Reply.Json("""{"meta":{"has_more":false},"survey_responses":[]}"""));
        using var harness = ZendeskHarness(server);

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(harness.Sink.Signals.Select(s => (s.Kind, s.Source)).OrderBy(s => s.Source), Is.EqualTo(new[]
        {
            (SignalKinds.TicketCsat, "zendesk:40001:csat:01J1WB51MG6HXTYWE6Q0C93RNW"),
            (SignalKinds.TicketSlaBreached, "zendesk:40001:sla_breached"),
        }));
    }
}
