using System.Net;
using System.Net.Sockets;
using Monitor.Probes.Pulse;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Pulse;

/// <summary>
/// The public listener's rate limits against the real worker (issue 13, item 6): per client address, per pulse token,
/// 429 with Retry-After, a count by fixed reason, one log line; the internal listener is never limited.
/// Clients are told apart by binding their connections to different loopback addresses (127.0.0.0/8).
/// </summary>
public sealed class PublicRateLimitTests
{
    private const int ClientPermits = 5;
    private const int TokenPermits = 3;
    private const string SigningKey = "a-signing-key-long-enough-0123456789";
    private WorkerProcess _worker = null!;

    [OneTimeSetUp]
    public async Task Start() => _worker = await WorkerProcess.StartAsync(new Dictionary<string, string>
    {
        ["Pulse:SigningKeys:0"] = SigningKey,
        ["Pulse:PublicBaseUrl"] = "http://127.0.0.1:8080",
        ["Mail:PickupDirectory"] = TestPaths.NewTempDir("sm-pickup"),
        // Windows far longer than the test, so no window replenishes under it.
        ["RateLimits:ClientPermits"] = $"{ClientPermits}",
        ["RateLimits:ClientWindow"] = "00:30:00",
        ["RateLimits:TokenPermits"] = $"{TokenPermits}",
        ["RateLimits:TokenWindow"] = "00:30:00",
    });

    [OneTimeTearDown]
    public async Task Stop() => await _worker.DisposeAsync();

    /// <summary>A client of the public listener whose connections come from <paramref name="address"/>.</summary>
    private HttpClient From(string address)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        return new HttpClient(handler) { BaseAddress = _worker.PublicUrl };
    }

    [Test]
    public async Task Limits_apply_per_client_and_per_token_and_never_to_the_internal_listener()
    {
        using var flooder = From("127.0.0.11");
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < ClientPermits + 3; i++)
        {
            last?.Dispose();
            last = await flooder.GetAsync($"/p/forged-token-{i}");
            statuses.Add(last.StatusCode);
        }
        Assert.That(statuses.Take(ClientPermits), Has.None.EqualTo(HttpStatusCode.TooManyRequests), "within the limit");
        Assert.That(statuses.Skip(ClientPermits), Has.All.EqualTo(HttpStatusCode.TooManyRequests), "over the limit");
        Assert.That(last!.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero), "429 says when to come back");

        using (var other = From("127.0.0.12"))
            Assert.That((await other.GetAsync("/p/another-token")).StatusCode, Is.Not.EqualTo(HttpStatusCode.TooManyRequests),
                "another client still passes");

        // One signed token from many clients: the token's own limit, though no client is near its own.
        var leaked = new PulseTokenCodec([SigningKey]).Sign(
            new PulseToken(TokenPurpose.Answer, Guid.NewGuid(), "u001", 0, 1, DateTimeOffset.UtcNow.AddDays(1)));
        var tokenStatuses = new List<HttpStatusCode>();
        for (var i = 0; i < TokenPermits + 1; i++)
        {
            using var client = From($"127.0.0.{20 + i}");
            tokenStatuses.Add((await client.GetAsync($"/p/{leaked}")).StatusCode);
        }
        Assert.That(tokenStatuses.Take(TokenPermits), Has.None.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(tokenStatuses[^1], Is.EqualTo(HttpStatusCode.TooManyRequests), "the token's limit");

        // A forged token gets no partition of its own (one per forged token of up to 8 KB let a flood from many addresses
        // hold ~100 MB per 6,000 requests): from many clients it is a 404 each time, never the token's 429.
        var forgedStatuses = new List<HttpStatusCode>();
        for (var i = 0; i < TokenPermits + 2; i++)
        {
            using var client = From($"127.0.0.{40 + i}");
            forgedStatuses.Add((await client.GetAsync($"/p/{new string('f', 4000)}")).StatusCode);
        }
        Assert.That(forgedStatuses, Has.All.EqualTo(HttpStatusCode.NotFound));

        // The internal listener, from the same address family and far over both limits, is not limited.
        for (var i = 0; i < ClientPermits * 4; i++)
        {
            Assert.That((await _worker.Http.GetAsync("/healthz")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await _worker.Admin.GetAsync("/api/users?limit=1")).StatusCode, Is.Not.EqualTo(HttpStatusCode.TooManyRequests));
        }

        var metrics = await _worker.MetricsAsync();
        Assert.That(metrics, Does.Contain("satisfaction_public_requests_refused_total{reason=\"rate_limited_client\"} 3"));
        Assert.That(metrics, Does.Contain("satisfaction_public_requests_refused_total{reason=\"rate_limited_token\"} 1"));
        Assert.That(metrics, Does.Not.Contain("forged-token").And.Not.Contain("127.0.0.11"), "no address or token as a label");
        Assert.That(System.Text.RegularExpressions.Regex.Count(_worker.Log, "over a rate limit"), Is.EqualTo(1),
            "one log line per interval, not one per refusal");
    }
}
