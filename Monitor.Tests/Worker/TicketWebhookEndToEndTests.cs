using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Net.Http.Json;
using System.Text.Json;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Worker;

/// <summary>A ticket reopened with an angry comment, pushed to the real worker, turns its requester red.</summary>
[NonParallelizable]
public sealed class TicketWebhookEndToEndTests
{
    private const string Secret = "webhook-secret-0123456789abcdef";

    [Test]
    public async Task A_reopened_ticket_with_an_angry_comment_turns_the_requester_red_with_the_ticket_as_the_cause()
    {
        await using var worker = await WorkerProcess.StartAsync(new Dictionary<string, string> { ["Tickets:Webhook:Secret"] = Secret });
        await worker.WaitForMetricsAsync(m => m.Contains("user=\"u020\"", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        var now = DateTimeOffset.UtcNow;
        var reopened = await Post(worker, new
        {
            system = "generic", ticket_id = "INC-4711", requester_email = "tara.singh@example.com", @event = "reopened",
            reopen_id = "1", occurred_at = now.AddMinutes(-2),
        });
        Assert.That(reopened, Is.EqualTo(HttpStatusCode.OK));
        var comment = await Post(worker, new
        {
            system = "generic", ticket_id = "INC-4711", requester_email = "tara.singh@example.com", @event = "comment",
            occurred_at = now.AddMinutes(-1),
            comment = new { id = "c9", body = "Still not working AGAIN!! This is unacceptable, third time this week.", @public = true,
                author_email = "tara.singh@example.com", format = "plain" },
        });
        Assert.That(comment, Is.EqualTo(HttpStatusCode.OK));

        await worker.WaitForMetricsAsync(m => m.Contains("satisfaction_user_state{user=\"u020\",department=\"Sales\",site=\"London\"} 3",
            StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        var detail = await worker.Admin.GetFromJsonAsync<JsonElement>("/api/users/u020");
        var cause = detail.GetProperty("stateChanges")[0].GetProperty("causes")[0].GetProperty("source").GetString();
        Assert.That(cause, Does.Contain("INC-4711"));

        using var forged = new HttpRequestMessage(HttpMethod.Post, "/webhooks/tickets/generic")
        {
            Content = new StringContent("{\"event\":\"csat\"}", Encoding.UTF8, "application/json"),
        };
        forged.Headers.Add("X-Signature-256", "sha256=" + new string('0', 64));
        Assert.That((await worker.Http.SendAsync(forged)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    private static async Task<HttpStatusCode> Post(WorkerProcess worker, object payload)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(payload);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/tickets/generic") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), body)));
        using var response = await worker.Http.SendAsync(request);
        Assert.That(response.IsSuccessStatusCode, Is.True, await response.Content.ReadAsStringAsync());
        return response.StatusCode;
    }
}
