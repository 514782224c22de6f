using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Monitor.Core.Signals;
using Monitor.Tests.Infrastructure;
using NUnit.Framework;

namespace Monitor.Tests.Tickets;

/// <summary>
/// One Zendesk satisfaction rating reaching the real worker twice, pushed by the CSAT trigger (docs/tickets.md, the
/// generic body with placeholders) and pulled by the Zendesk probe from the loopback fake, is one signal.
/// </summary>
[NonParallelizable]
public sealed class ZendeskCsatDedupeTests
{
    private const string Token = "zendesk-bearer-0123456789abcdef";

    [Test]
    public async Task A_rating_pushed_by_the_trigger_and_pulled_by_the_probe_is_one_signal()
    {
        // {{ticket.updated_at_with_timestamp}} renders to the minute; the rating's audit has the seconds.
        var ratedAt = DateTimeOffset.UtcNow.AddMinutes(-10);
        ratedAt = new DateTimeOffset(ratedAt.Year, ratedAt.Month, ratedAt.Day, ratedAt.Hour, ratedAt.Minute, 23, TimeSpan.Zero);
        await using var zendesk = await FakeTicketServer.StartAsync();
        Serve(zendesk, ratedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        await using var worker = await WorkerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Tickets:Webhook:BearerToken"] = Token,
            ["Tickets:Zendesk:Enabled"] = "true",
            ["Tickets:Zendesk:BaseUrl"] = zendesk.BaseUrl,
            ["Tickets:Zendesk:Email"] = "svc@example.com",
            ["Tickets:Zendesk:ApiToken"] = "token",
            // Run only when asked, after the trigger has pushed the rating.
            ["Tickets:Zendesk:Schedule"] = "0 0 0 1 1 ? 2099",
        });
        await worker.WaitForMetricsAsync(m => m.Contains("user=\"u020\"", StringComparison.Ordinal), TimeSpan.FromSeconds(60));

        var pushed = await PushTriggerAsync(worker, ratedAt.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture));
        Assert.That(pushed, Is.EqualTo(HttpStatusCode.OK));
        using (var run = await worker.Admin.PostAsync("/api/probes/tickets_zendesk/run", null))
            Assert.That(run.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await run.Content.ReadAsStringAsync());
        var result = (await LastRunAsync(worker, TimeSpan.FromSeconds(60))).GetProperty("last");
        Assert.That(result.GetProperty("success").GetBoolean(), Is.True, result.ToString());
        Assert.That(zendesk.Count("/api/v2/tickets/35436/audits.json"), Is.EqualTo(1), "the probe read the rated ticket");

        var detail = await worker.Admin.GetFromJsonAsync<JsonElement>("/api/users/u020");
        var ratings = detail.GetProperty("signals").EnumerateArray()
            .Where(s => s.GetProperty("kind").GetString() == SignalKinds.TicketCsat).ToList();
        Assert.That(ratings.Select(s => s.GetProperty("source").GetString()), Is.EqualTo(new[] { "zendesk:35436:csat:bad" }),
            string.Join("\n", ratings));
        Assert.That(ratings[0].GetProperty("score").GetDouble(), Is.EqualTo(-1.0));
    }

    /// <summary>
    /// The ticket rated bad, shaped as developer.zendesk.com/api-reference documents it: "Incremental Ticket Export,
    /// Cursor Based" (tickets, users, after_cursor, end_of_stream; <c>satisfaction_rating</c> with id, score, comment),
    /// "List Comments", "List Audits for a Ticket" (a SatisfactionRating event) and the ticket metric event export.
    /// </summary>
    private static void Serve(FakeTicketServer zendesk, string ratedAt)
    {
        zendesk.On("/api/v2/incremental/tickets/cursor.json", Reply.Json($$"""
            {"tickets":[{"id":35436,"requester_id":20978392,"status":"solved","updated_at":"{{ratedAt}}",
                         "satisfaction_rating":{"id":1001,"score":"bad","comment":"Nobody called me back"} }],
             "users":[{"id":20978392,"email":"tara.singh@example.com"}],"after_cursor":"MTU3NjYxMzUzOS4wfHw0Njd8",
             "end_of_stream":true}
            """));
        zendesk.On("/api/v2/tickets/35436/comments.json", Reply.Json("""{"comments":[],"users":[],"next_page":null}"""));
        zendesk.On("/api/v2/tickets/35436/audits.json", Reply.Json($$"""
            {"audits":[{"id":2127301144,"ticket_id":35436,"author_id":20978392,"created_at":"{{ratedAt}}","via":{"channel":"web"},
                        "events":[{"id":2127301170,"type":"SatisfactionRating","score":"bad","body":"Nobody called me back"}]}],
             "next_page":null,"previous_page":null,"count":1}
            """));
        zendesk.On("/api/v2/incremental/ticket_metric_events",
            Reply.Json("""{"ticket_metric_events":[],"next_page":null,"count":0,"end_of_stream":true}"""));
    }

    /// <summary>The trigger "Satisfaction | Changed to | Bad" with the body docs/tickets.md gives, placeholders rendered.</summary>
    private static async Task<HttpStatusCode> PushTriggerAsync(WorkerProcess worker, string updatedAtWithTimestamp)
    {
        var body = $$"""
            { "system": "zendesk", "ticket_id": "35436", "requester_email": "tara.singh@example.com",
              "event": "csat", "rating": "bad", "rating_comment": "Nobody called me back",
              "occurred_at": "{{updatedAtWithTimestamp}}" }
            """;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/tickets/zendesk")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var response = await worker.Http.SendAsync(request);
        Assert.That(response.IsSuccessStatusCode, Is.True, await response.Content.ReadAsStringAsync());
        return response.StatusCode;
    }

    /// <summary>The probe's latest run as <c>GET /api/probes</c> lists it (a JobHealth: last, lastSuccessAt).</summary>
    private static async Task<JsonElement> LastRunAsync(WorkerProcess worker, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            var probes = await worker.Admin.GetFromJsonAsync<JsonElement>("/api/probes");
            // A probe that has not run yet has no "last" (nulls are left out of the API's JSON).
            var probe = probes.EnumerateArray().Single(p => p.GetProperty("name").GetString() == "tickets_zendesk");
            if (probe.TryGetProperty("last", out var last) && last.ValueKind == JsonValueKind.Object) return last;
            await Task.Delay(250);
        }
        Assert.Fail($"tickets_zendesk did not run within {timeout}:\n{worker.Log}");
        return default;
    }
}
