using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Monitor.Tests.Infrastructure;
using NUnit.Framework;

namespace Monitor.Tests.Tickets;

/// <summary>
/// The real worker's webhook endpoint honours <c>Tickets:Webhook:MaxBodyBytes</c> (here 2 MiB, above the 1 MiB
/// default): bodies up to it are read whatever their size, longer ones get 413 whether they declare their length or not.
/// </summary>
[NonParallelizable]
public sealed class TicketWebhookBodyLimitTests
{
    private const string Secret = "webhook-secret-0123456789abcdef";
    private const int Limit = 2 * 1024 * 1024;
    private WorkerProcess _worker = null!;

    [OneTimeSetUp]
    public async Task StartWorker() => _worker = await WorkerProcess.StartAsync(new Dictionary<string, string>
    {
        ["Tickets:Webhook:Secret"] = Secret,
        ["Tickets:Webhook:MaxBodyBytes"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    [OneTimeTearDown]
    public async Task StopWorker() => await _worker.DisposeAsync();

    [TestCase(1024 * 1024 + 512 * 1024, false, TestName = "A body above 1 MiB within the setting is read")]
    [TestCase(Limit, false, TestName = "A body of exactly the setting is read")]
    [TestCase(Limit, true, TestName = "A chunked body of exactly the setting is read")]
    public async Task A_body_within_the_setting_is_read(int size, bool chunked)
    {
        var (status, message) = await PostAsync(Payload(size), chunked);

        // A well-formed event from someone outside the directory: read, authenticated, parsed and ignored.
        Assert.That(status, Is.EqualTo(HttpStatusCode.Accepted), message);
        Assert.That(message, Does.Contain("requester not in the directory"));
    }

    [TestCase(false, TestName = "A body one byte over the setting, its length declared, is refused before it is read")]
    [TestCase(true, TestName = "A chunked body one byte over the setting is refused")]
    public async Task A_body_over_the_setting_is_refused(bool chunked)
    {
        var (status, message) = await PostAsync(Payload(Limit + 1), chunked);

        Assert.That(status, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge), message);
        Assert.That(message, Does.Contain($"larger than {Limit} bytes"));
    }

    /// <summary>A signed generic comment event of exactly <paramref name="size"/> bytes (the comment is the padding).</summary>
    private static byte[] Payload(int size)
    {
        string Json(int padding) => JsonSerializer.Serialize(new
        {
            system = "generic", ticket_id = "INC-1", requester_email = "nobody@elsewhere.example", @event = "comment",
            occurred_at = "2026-01-05T10:00:00Z",
            comment = new { id = "c1", body = new string('a', padding), @public = true, author_email = "nobody@elsewhere.example" },
        });
        var body = Encoding.UTF8.GetBytes(Json(size - Json(0).Length));
        Assert.That(body, Has.Length.EqualTo(size));
        return body;
    }

    private async Task<(HttpStatusCode Status, string Message)> PostAsync(byte[] body, bool chunked)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/tickets/generic")
        {
            Content = chunked ? new StreamContent(new UnknownLengthStream(body)) : new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new("application/json");
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), body);
        request.Headers.Add("X-Signature-256", "sha256=" + Convert.ToHexStringLower(signature));
        // With Expect: 100-continue the body is only sent once the endpoint starts reading it.
        request.Headers.ExpectContinue = !chunked;
        using var response = await _worker.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A stream that does not tell its length, so that HttpClient sends it chunked.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
