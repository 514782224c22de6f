using System.Diagnostics;
using Monitor.Probes.Tickets;
using Polly;
using Polly.CircuitBreaker;

namespace Monitor.Tests.Tickets;

/// <summary>The connectors' Polly pipeline over real HTTP to a failing or busy fake ticket system.</summary>
public sealed class TicketResilienceTests
{
    private static JiraOptions Options(int retries = 0, int perSecond = 100) => new()
    {
        MaxRetryAttempts = retries,
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        RequestsPerSecond = perSecond,
        CircuitBreakDuration = TimeSpan.FromSeconds(30),
        AttemptTimeout = TimeSpan.FromSeconds(5),
    };

    private static async Task<HttpResponseMessage> Get(ResiliencePipeline<HttpResponseMessage> pipeline, HttpClient http, string url) =>
        await pipeline.ExecuteAsync(async ct => await http.GetAsync(url, ct));

    [Test]
    public async Task A_system_that_keeps_failing_opens_the_circuit_and_is_left_alone()
    {
        await using var server = await FakeTicketServer.StartAsync();
        server.On("/rest/api/3/search", new Reply(500, "{}"));
        using var http = new HttpClient();
        var pipeline = TicketResilience.Build(Options());

        var broken = 0;
        for (var i = 0; i < 20; i++)
        {
            try
            {
                using var _ = await Get(pipeline, http, server.BaseUrl + "/rest/api/3/search");
            }
            catch (BrokenCircuitException)
            {
                broken++;
            }
        }
        Assert.That(server.Requests.Count, Is.EqualTo(10), "the breaker opens after the minimum throughput of failures");
        Assert.That(broken, Is.EqualTo(10), "while open, calls fail at once without reaching the system");
    }

    [Test]
    public async Task The_rate_limit_spaces_the_requests_to_one_system()
    {
        await using var server = await FakeTicketServer.StartAsync();
        server.On("/rest/api/3/search", Reply.Json("{}"));
        using var http = new HttpClient();
        var pipeline = TicketResilience.Build(Options(perSecond: 2));

        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 6; i++)
        {
            using var r = await Get(pipeline, http, server.BaseUrl + "/rest/api/3/search");
            Assert.That((int)r.StatusCode, Is.EqualTo(200));
        }
        // Two permits at once, then two a second: the sixth request waits for the second refill.
        Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1.8)));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
    }
}
