using System.Diagnostics;
using NUnit.Framework;

namespace Monitor.Tests.Tickets;

/// <summary>
/// Zendesk tells the request budget left in response headers (developer.zendesk.com "Best practices for avoiding rate
/// limiting": "x-rate-limit: 700", "ratelimit-limit: 700", "x-rate-limit-remaining: 699", "ratelimit-remaining: 699",
/// "ratelimit-reset: 41", and the endpoint's own "zendesk-ratelimit-tickets-index: total=100; remaining=99; resets=41").
/// Here the first export page spends the last request of the window (remaining 0, reset in one second, the documented
/// headers with these counts): the next request waits for the reset instead of being sent to be answered 429.
/// </summary>
public sealed partial class ZendeskConnectorTests
{
    [TestCase("ratelimit-remaining", "0", "ratelimit-reset", "1")]
    [TestCase("zendesk-ratelimit-tickets-index", "total=100; remaining=0; resets=1", null, null)]
    [TestCase("zendesk-ratelimit-tickets-index", "total=100; remaining=0; resets=1; remaining=0", null, null)]
    public async Task A_spent_request_budget_is_waited_out_before_the_next_request(string name, string value, string? name2, string? value2)
    {
        await using var server = await ServeOneTicketAsync();
        var spent = new Dictionary<string, string> { ["x-rate-limit"] = "700", ["x-rate-limit-remaining"] = "0", [name] = value };
        if (name2 is not null) spent[name2] = value2!;
        server.On("/api/v2/incremental/tickets/cursor.json", ["start_time="], new Reply(200, """
            {"tickets":[{"id":35436,"requester_id":20978392,"status":"open","updated_at":"2026-01-05T10:00:00Z"}],
             "users":[{"id":20978392,"email":"ann@example.com"}],"after_cursor":"MTU3NjYxMzUzOS4wfHw0Njd8","end_of_stream":false}
            """, Headers: spent));
        using var harness = ZendeskHarness(server);
        var clock = Stopwatch.StartNew();

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(0.95)), "the reset (1 s) was waited for");
        Assert.That(result.Message, Does.Contain("2 tickets"));
    }

    [Test]
    public async Task A_budget_left_is_not_waited_for()
    {
        await using var server = await ServeOneTicketAsync();
        server.On("/api/v2/incremental/tickets/cursor.json", ["start_time="], new Reply(200, """
            {"tickets":[{"id":35436,"requester_id":20978392,"status":"open","updated_at":"2026-01-05T10:00:00Z"}],
             "users":[{"id":20978392,"email":"ann@example.com"}],"after_cursor":"MTU3NjYxMzUzOS4wfHw0Njd8","end_of_stream":false}
            """, Headers: new Dictionary<string, string>
        {
            ["ratelimit-remaining"] = "699", ["ratelimit-reset"] = "41", ["zendesk-ratelimit-tickets-index"] = "total=100; remaining=99; resets=41",
        }));
        using var harness = ZendeskHarness(server);
        var clock = Stopwatch.StartNew();

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(3)), "a 41 s reset with budget left is not waited for (capped at 3 s here)");
    }
}
