using System.Net;
using System.Text;
using System.Text.Json;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Worker;

/// <summary>
/// Issue 13, API details: "~20 admin inputs answer 400/415 with an empty body". Every admin endpoint that takes input,
/// given a body that is not JSON, the wrong content type, a value that cannot be bound or a route that does not match,
/// answers a 4xx with problem details naming its status, and nothing is logged as an unhandled exception.
/// </summary>
public sealed class AdminApiProblemDetailsTests
{
    private const string Broken = "{\"x\": ";
    private static readonly string Action = Guid.NewGuid().ToString();
    private WorkerProcess _worker = null!;

    [OneTimeSetUp]
    public async Task Start() => _worker = await WorkerProcess.StartAsync();

    [OneTimeTearDown]
    public async Task Stop()
    {
        Assert.That(_worker.Log, Does.Not.Contain("An unhandled exception has occurred"));
        await _worker.DisposeAsync();
    }

    private static IEnumerable<TestCaseData> Inputs()
    {
        TestCaseData Case(string method, string path, string? body, string type, HttpStatusCode status) =>
            new TestCaseData(method, path, body, type, status).SetName($"{method} {path} {type} {(int)status}");

        yield return Case("POST", "/api/users/u001/signals", Broken, "application/json", HttpStatusCode.BadRequest);
        yield return Case("POST", "/api/users/u001/signals", "score=1", "text/plain", HttpStatusCode.UnsupportedMediaType);
        yield return Case("POST", "/api/users/u001/signals", "{}", "application/json", HttpStatusCode.BadRequest);
        yield return Case("POST", "/api/users/u001/signals", "{\"kind\":\"touchpoint\",\"score\":7,\"source\":\"s\"}",
            "application/json", HttpStatusCode.BadRequest);
        yield return Case("POST", "/api/users/u001/acknowledgement", Broken, "application/json", HttpStatusCode.BadRequest);
        yield return Case("POST", "/api/users/u001/acknowledgement", "by=me", "text/plain", HttpStatusCode.UnsupportedMediaType);
        yield return Case("GET", "/api/state-changes?since=yesterday", null, "", HttpStatusCode.BadRequest);
        yield return Case("GET", "/api/state-changes?limit=many", null, "", HttpStatusCode.BadRequest);
        yield return Case("GET", "/api/audit?since=yesterday", null, "", HttpStatusCode.BadRequest);
        yield return Case("GET", "/api/audit?limit=many", null, "", HttpStatusCode.BadRequest);
        yield return Case("POST", "/api/incidents", Broken, "application/json", HttpStatusCode.BadRequest);
        yield return Case("POST", "/api/incidents", "x", "text/plain", HttpStatusCode.UnsupportedMediaType);
        yield return Case("POST", "/api/downtimes", Broken, "application/json", HttpStatusCode.BadRequest);
        yield return Case("POST", "/api/downtimes", "x", "text/plain", HttpStatusCode.UnsupportedMediaType);
        yield return Case("GET", "/api/downtimes/not-a-guid", null, "", HttpStatusCode.NotFound);
        yield return Case("POST", "/api/actions", Broken, "application/json", HttpStatusCode.BadRequest);
        yield return Case("POST", $"/api/actions/{Action}/signals", Broken, "application/json", HttpStatusCode.BadRequest);
        yield return Case("POST", $"/api/actions/{Action}/ship", Broken, "application/json", HttpStatusCode.BadRequest);
        yield return Case("POST", "/api/users/u001/visits", Broken, "application/json", HttpStatusCode.BadRequest);
        yield return Case("POST", "/api/lunches", Broken, "application/json", HttpStatusCode.BadRequest);
        yield return Case("POST", "/api/lunches/x/attendance", Broken, "application/json", HttpStatusCode.BadRequest);
        yield return Case("POST", "/api/signals", "x", "text/plain", HttpStatusCode.UnsupportedMediaType);
        yield return Case("POST", "/api/campaigns", Broken, "application/json", HttpStatusCode.BadRequest);
        yield return Case("POST", "/api/directory/sync?confirmRemoval=maybe", null, "", HttpStatusCode.BadRequest);
        yield return Case("GET", "/api/reports/objectives?month=October", null, "", HttpStatusCode.BadRequest);
        // The last month DateTime holds has no end to report up to (was 500).
        yield return Case("GET", "/api/reports/objectives?month=9999-12", null, "", HttpStatusCode.BadRequest);
        // A charset .NET refuses to decode is the caller's fault (was 500 with a stack trace).
        yield return Case("POST", "/api/users/u001/signals", "{}", "application/json; charset=utf-7", HttpStatusCode.UnsupportedMediaType);
        yield return Case("POST", "/api/users/u001/visits", "{}", "application/json; charset=utf-7", HttpStatusCode.UnsupportedMediaType);
        yield return Case("POST", "/api/probes/no-such-probe/run", null, "", HttpStatusCode.NotFound);
        yield return Case("GET", "/api/users/no-such-user", null, "", HttpStatusCode.NotFound);
    }

    [Test]
    public async Task A_signal_that_is_not_json_is_415_saying_what_to_send()
    {
        using var r = await _worker.Admin.PostAsync("/api/users/u001/signals", new StringContent("score=1", Encoding.UTF8, "text/plain"));
        var text = await r.Content.ReadAsStringAsync();
        Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType), text);
        Assert.That(JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString(),
            Is.EqualTo("The body must be JSON (Content-Type: application/json)."));
    }

    [TestCaseSource(nameof(Inputs))]
    public async Task Bad_admin_input_is_a_4xx_with_problem_details(string method, string path, string? body, string type,
        HttpStatusCode status)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, type.Split(';')[0]);
            // A charset named in the case is sent as written, whatever it is.
            if (type.Contains(';')) request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(type);
        }
        using var r = await _worker.Admin.SendAsync(request);
        var text = await r.Content.ReadAsStringAsync();

        Assert.That(r.StatusCode, Is.EqualTo(status), text);
        Assert.That(r.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), text);
        Assert.That(JsonDocument.Parse(text).RootElement.GetProperty("status").GetInt32(), Is.EqualTo((int)status));
    }
}
