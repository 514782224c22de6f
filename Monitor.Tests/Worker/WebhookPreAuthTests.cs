using System.Net;
using System.Net.Sockets;
using System.Text;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Worker;

/// <summary>
/// Issue 13 item 5: a ticket webhook without credentials is refused on its headers, before its body is read.
/// Proven with a request that announces a body and never sends it: the answer must come anyway.
/// </summary>
public sealed class WebhookPreAuthTests
{
    private const string Secret = "webhook-secret-0123456789abcdef";
    private WorkerProcess _worker = null!;

    [OneTimeSetUp]
    public async Task Start() =>
        _worker = await WorkerProcess.StartAsync(new Dictionary<string, string> { ["Tickets:Webhook:Secret"] = Secret });

    [OneTimeTearDown]
    public async Task Stop() => await _worker.DisposeAsync();

    /// <summary>Sends only the request head and returns the status line the server answers with, within 10 s.</summary>
    private async Task<string> HeadOnlyAsync(string extraHeaders, long contentLength)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _worker.InternalUrl.Port);
        var stream = tcp.GetStream();
        var head = $"POST /webhooks/tickets/generic HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
                   $"Content-Length: {contentLength}\r\n{extraHeaders}\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[512];
        try
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            return Encoding.ASCII.GetString(buffer, 0, read).Split("\r\n")[0];
        }
        catch (OperationCanceledException)
        {
            return "no answer: the server is waiting for the body";
        }
    }

    [Test]
    public async Task Without_credentials_the_answer_is_401_before_the_body_arrives()
    {
        Assert.That(await HeadOnlyAsync("", 100_000), Is.EqualTo("HTTP/1.1 401 Unauthorized"));
        Assert.That(await HeadOnlyAsync("Authorization: Bearer not-the-token-at-all\r\n", 100_000),
            Is.EqualTo("HTTP/1.1 401 Unauthorized"), "no bearer token is configured, so none matches");
        Assert.That(await HeadOnlyAsync("X-Signature-256: sha256=zz-not-hex\r\n", 100_000), Is.EqualTo("HTTP/1.1 401 Unauthorized"));
    }

    [Test]
    public async Task Without_credentials_an_oversized_announcement_is_401_not_413()
    {
        Assert.That(await HeadOnlyAsync("", 50_000_000), Is.EqualTo("HTTP/1.1 401 Unauthorized"));
    }

    [Test]
    public async Task A_well_formed_signature_is_checked_against_the_body_and_a_wrong_one_is_401()
    {
        using var forged = new HttpRequestMessage(HttpMethod.Post, "/webhooks/tickets/generic")
        {
            Content = new StringContent("{\"event\":\"csat\"}", Encoding.UTF8, "application/json"),
        };
        forged.Headers.Add("X-Signature-256", "sha256=" + new string('0', 64));
        Assert.That((await _worker.Http.SendAsync(forged)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }
}
