using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Worker;

/// <summary>The admin API's answers to bad input (issue 13, API details): 400 or 415 with problem details, never 200 or empty.</summary>
public sealed class AdminApiHardeningTests
{
    private WorkerProcess _worker = null!;

    [OneTimeSetUp]
    public async Task Start() => _worker = await WorkerProcess.StartAsync();

    [OneTimeTearDown]
    public async Task Stop() => await _worker.DisposeAsync();

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage r, HttpStatusCode status)
    {
        var body = await r.Content.ReadAsStringAsync();
        Assert.That(r.StatusCode, Is.EqualTo(status), body);
        Assert.That(r.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), body);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo((int)status));
        return problem;
    }

    [Test]
    public async Task An_unknown_state_filter_is_400_naming_the_allowed_values()
    {
        using var r = await _worker.Admin.GetAsync("/api/users?state=bogus");
        var problem = await ProblemAsync(r, HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("detail").GetString(), Is.EqualTo("state must be one of unknown, up, degraded, down."));
        using var numeric = await _worker.Admin.GetAsync("/api/users?state=3");
        Assert.That(numeric.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        using var fine = await _worker.Admin.GetAsync("/api/users?state=UNKNOWN");
        Assert.That(fine.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task The_bearer_scheme_is_case_insensitive()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/probes");
        request.Headers.TryAddWithoutValidation("Authorization", $"bearer {WorkerProcess.ApiKey}");
        using var r = await _worker.Http.SendAsync(request);
        Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task A_body_that_is_not_json_is_400_and_a_wrong_content_type_415_both_with_problem_details()
    {
        using var broken = await _worker.Admin.PostAsync("/api/users/u001/signals",
            new StringContent("{\"score\": ", Encoding.UTF8, "application/json"));
        await ProblemAsync(broken, HttpStatusCode.BadRequest);
        using var text = await _worker.Admin.PostAsync("/api/users/u001/signals",
            new StringContent("score=1", Encoding.UTF8, "text/plain"));
        await ProblemAsync(text, HttpStatusCode.UnsupportedMediaType);
    }

    [TestCase("0001-01-01T00:00:00Z")]
    [TestCase("9999-12-31T00:00:00Z")]
    public async Task An_observedAt_outside_the_window_is_400(string observedAt)
    {
        using var r = await _worker.Admin.PostAsJsonAsync("/api/users/u001/signals", new { score = 0.5, observedAt });
        var problem = await ProblemAsync(r, HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("detail").GetString(), Does.StartWith("observedAt must lie between"));
    }

    [Test]
    public async Task The_bulk_endpoint_rejects_an_observedAt_outside_the_window_item_by_item()
    {
        using var r = await _worker.Admin.PostAsJsonAsync("/api/signals", new object[]
        {
            new { userId = "u003", score = 0.5, source = "bulk-window-1", observedAt = "0001-01-01T00:00:00Z" },
            new { userId = "u003", score = 0.5, source = "bulk-window-2", observedAt = "9999-12-31T00:00:00Z" },
            new { userId = "u003", score = 0.5, source = "bulk-window-3", observedAt = DateTimeOffset.UtcNow.AddDays(-1) },
        });
        var text = await r.Content.ReadAsStringAsync();
        Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        var answer = JsonDocument.Parse(text).RootElement;
        Assert.That(answer.GetProperty("stored").GetInt32(), Is.EqualTo(1), text);
        Assert.That(answer.GetProperty("rejected").GetInt32(), Is.EqualTo(2), text);
        Assert.That(answer.GetProperty("items")[0].GetProperty("error").GetString(), Does.StartWith("observedAt must lie between"));
    }

    [Test]
    public async Task An_observedAt_of_yesterday_is_stored()
    {
        using var r = await _worker.Admin.PostAsJsonAsync("/api/users/u002/signals",
            new { score = 0.5, observedAt = DateTimeOffset.UtcNow.AddDays(-1) });
        Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.Created), await r.Content.ReadAsStringAsync());
    }

    [TestCase(201, 10, "by is 201 characters long; at most 200.")]
    [TestCase(10, 2001, "comment is 2001 characters long; at most 2000.")]
    public async Task An_acknowledgement_with_an_over_long_by_or_comment_is_400(int by, int comment, string detail)
    {
        using var r = await _worker.Admin.PostAsJsonAsync("/api/users/u001/acknowledgement",
            new { by = new string('b', by), comment = new string('c', comment) });
        var problem = await ProblemAsync(r, HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("detail").GetString(), Is.EqualTo(detail));
    }
}
