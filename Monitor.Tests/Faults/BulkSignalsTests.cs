using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Faults;

/// <summary><c>POST /api/signals</c> on the real worker: each item accepted or rejected on its own, on both stores.</summary>
[TestFixture(Stores.Sqlite)]
[TestFixture(Stores.Postgres)]
public sealed class BulkSignalsTests(string provider)
{
    private const string Password = "nul-test-password-1";

    private WorkerProcess _worker = null!;

    [OneTimeSetUp]
    public async Task StartWorker()
    {
        var options = await Stores.NewAsync(provider);
        _worker = await WorkerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Storage:Provider"] = options.Provider,
            ["Storage:ConnectionString"] = options.ConnectionString,
            ["Console:LocalAccount:Password"] = Password,
        });
    }

    [OneTimeTearDown]
    public async Task StopWorker() => await _worker.DisposeAsync();

    [Test]
    public async Task A_json_array_stores_the_good_items_and_names_each_rejected_or_duplicate_one()
    {
        var now = DateTimeOffset.UtcNow;
        var items = new object[]
        {
            new { userId = "u001", kind = "touchpoint", score = 0.5, source = "bulk:a", observedAt = now.AddMinutes(-5) },
            new { userId = "u002", score = -1, source = "bulk:b", comment = "slow laptop" },
            new { userId = "nobody", score = 0.1, source = "bulk:c" },
            new { userId = "u003", score = 7, source = "bulk:d" },
            new { userId = "u001", kind = "touchpoint", score = 0.2, source = "bulk:a" },
            "not an object",
            new { userId = "u004", source = "bulk:e" },
        };
        using var response = await _worker.Admin.PostAsJsonAsync("/api/signals", items);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        using var json = JsonDocument.Parse(body);
        var results = json.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("result").GetString()).ToList();
        Assert.That(results, Is.EqualTo(new[] { "stored", "stored", "rejected", "rejected", "duplicate", "rejected", "rejected" }));
        Assert.That(json.RootElement.GetProperty("stored").GetInt32(), Is.EqualTo(2));
        Assert.That(json.RootElement.GetProperty("items")[2].GetProperty("error").GetString(), Does.Contain("nobody"));
        Assert.That(json.RootElement.GetProperty("items")[3].GetProperty("error").GetString(), Does.Contain("outside [-1, +1]"));

        // Sent again: everything already there is a duplicate, nothing is stored twice.
        using var again = await _worker.Admin.PostAsJsonAsync("/api/signals", items.Take(2));
        Assert.That(await again.Content.ReadAsStringAsync(), Does.Contain("\"duplicates\":2"));
        var user = await _worker.Admin.GetStringAsync("/api/users/u002");
        Assert.That(user, Does.Contain("slow laptop"));
    }

    [Test]
    public async Task Ndjson_is_read_line_by_line_and_a_broken_line_is_rejected_alone()
    {
        var lines = "{\"userId\":\"u005\",\"score\":0.3,\"source\":\"nd:1\"}\n" +
                    "{\"userId\":\"u005\",\"score\":\n" +
                    "\n" +
                    "{\"userId\":\"u006\",\"score\":-0.3,\"source\":\"nd:2\"}\n";
        var (_, results) = await PostNdjsonAsync(Encoding.UTF8.GetBytes(lines));
        Assert.That(results, Is.EqualTo(new[] { "stored", "rejected", "stored" }));
    }

    /// <summary>Posts the lines as NDJSON, expects 200, and gives the answer with each item's result in order.</summary>
    private async Task<(JsonElement Answer, string?[] Results)> PostNdjsonAsync(byte[] lines)
    {
        using var content = new ByteArrayContent(lines);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-ndjson");
        using var response = await _worker.Admin.PostAsync("/api/signals", content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        var answer = JsonDocument.Parse(body).RootElement.Clone();
        return (answer, answer.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("result").GetString()).ToArray());
    }

    [Test]
    public async Task A_byte_order_mark_is_read_past_and_a_line_of_invalid_utf8_is_rejected_alone()
    {
        // The first line after a BOM was "not JSON"; a line of invalid UTF-8 was stored with replacement characters.
        var lines = Encoding.UTF8.GetBytes("\uFEFF{\"userId\":\"u010\",\"score\":0.3,\"source\":\"bom:1\"}\r\n")
            .Concat("{\"userId\":\"u010\",\"score\":0.3,\"source\":\"bom:2\",\"comment\":\"a "u8.ToArray()).Concat(new byte[] { 0xFF, 0xFE })
            .Concat("\"}\n{\"userId\":\"u010\",\"score\":0.3,\"source\":\"bom:3\"}\n"u8.ToArray()).ToArray();
        var (answer, results) = await PostNdjsonAsync(lines);
        Assert.That(results, Is.EqualTo(new[] { "stored", "rejected", "stored" }), answer.ToString());
        var user = await _worker.Admin.GetStringAsync("/api/users/u010");
        Assert.That(user.Contains('\uFFFD', StringComparison.Ordinal) || user.Contains("bom:2", StringComparison.Ordinal), Is.False, user);

        using var array = new ByteArrayContent(Encoding.UTF8.GetBytes("\uFEFF[{\"userId\":\"u010\",\"score\":0.3,\"source\":\"bom:4\"}]"));
        array.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var arrayResponse = await _worker.Admin.PostAsync("/api/signals", array);
        Assert.That(await arrayResponse.Content.ReadAsStringAsync(), Does.Contain("\"stored\":1"));
    }

    [Test]
    public async Task A_score_written_as_a_string_is_refused_naming_score_single_and_bulk()
    {
        // The Web JSON defaults read "1" as the number 1: both APIs stored it.
        using var single = await _worker.Admin.PostAsync("/api/users/u009/signals",
            new StringContent("{\"kind\":\"touchpoint\",\"score\":\"1\",\"source\":\"string:0\"}", Encoding.UTF8, "application/json"));
        var problem = await single.Content.ReadAsStringAsync();
        Assert.That(single.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), problem);
        Assert.That(single.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), problem);
        Assert.That(JsonDocument.Parse(problem).RootElement.GetProperty("detail").GetString(), Does.StartWith("score is not valid: not of the type"));

        var lines = "{\"userId\":\"u009\",\"score\":0.3,\"source\":\"string:1\"}\n" +
                    "{\"userId\":\"u009\",\"score\":\"0.3\",\"source\":\"string:2\"}\n" +
                    "{\"userId\":\"u009\",\"score\":0.3,\"weight\":\"2\",\"source\":\"string:3\"}\n" +
                    "{\"userId\":\"u009\",\"score\":-0.3,\"source\":\"string:4\"}\n";
        var (answer, results) = await PostNdjsonAsync(Encoding.UTF8.GetBytes(lines));
        Assert.That(results, Is.EqualTo(new[] { "stored", "rejected", "rejected", "stored" }), answer.ToString());
        Assert.That(answer.GetProperty("items")[1].GetProperty("error").GetString(), Does.Contain("score is not valid"));
        Assert.That(answer.GetProperty("items")[2].GetProperty("error").GetString(), Does.Contain("weight is not valid"));
    }

    [Test]
    public async Task A_line_with_a_NUL_character_is_rejected_alone_on_either_store()
    {
        // PostgreSQL cannot store U+0000 in text: the whole request answered 500 there and stored nothing.
        var lines = "{\"userId\":\"u007\",\"score\":0.3,\"source\":\"nul:1\"}\n" +
                    "{\"userId\":\"u007\",\"score\":0.3,\"source\":\"nul:2\",\"comment\":\"a\\u0000b\"}\n" +
                    "{\"userId\":\"u007\",\"score\":0.3,\"source\":\"nul:\\u0000\"}\n" +
                    "{\"userId\":\"u008\",\"score\":-0.3,\"source\":\"nul:4\"}\n";
        var (answer, results) = await PostNdjsonAsync(Encoding.UTF8.GetBytes(lines));
        Assert.That(results, Is.EqualTo(new[] { "stored", "rejected", "rejected", "stored" }), answer.ToString());
        Assert.That(answer.GetProperty("items")[1].GetProperty("error").GetString(), Does.Contain("NUL"));

        using var single = await _worker.Admin.PostAsJsonAsync("/api/users/u007/signals",
            new { kind = "touchpoint", score = -0.5, comment = "x\0y" });
        Assert.That(single.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), await single.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task A_NUL_character_elsewhere_in_admin_or_console_input_is_400_on_either_store_and_nothing_is_stored()
    {
        // PostgreSQL refused these (SQLSTATE 22021) while SQLite stored them: now both refuse them before any handler runs.
        var now = DateTimeOffset.UtcNow;
        var requests = new (string Name, Func<Task<HttpResponseMessage>> Send)[]
        {
            ("visit notes", () => _worker.Admin.PostAsJsonAsync("/api/users/u009/visits", new { kind = "call", notes = "n\0", by = "me" })),
            ("action title", () => _worker.Admin.PostAsJsonAsync("/api/actions", new { title = "t\0", description = "d" })),
            ("incident title", () => _worker.Admin.PostAsJsonAsync("/api/incidents", new { parent = "site:Paris", title = "i\0" })),
            ("acknowledgement comment", () => _worker.Admin.PostAsJsonAsync("/api/users/u009/acknowledgement",
                new { by = "me", comment = "c\0" })),
            ("downtime reason", () => _worker.Admin.PostAsJsonAsync("/api/downtimes",
                new { users = new[] { "u009" }, from = now, until = now.AddDays(1), reason = "r\0" })),
            ("member name", () => _worker.Admin.PostAsync("/api/actions",
                new StringContent("{\"title\":\"t\",\"description\":\"d\",\"\\u0000\":1}", Encoding.UTF8, "application/json"))),
            ("comment search", () => _worker.Admin.GetAsync("/api/comments?q=a%00b")),
            ("audit search", () => _worker.Admin.GetAsync("/api/audit?actor=%00")),
        };
        foreach (var (name, send) in requests)
        {
            using var r = await send();
            var text = await r.Content.ReadAsStringAsync();
            Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), $"{name}: {text}");
            Assert.That(r.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), name);
            Assert.That(text, Does.Contain("U+0000"), name);
        }
        Assert.That(await _worker.Admin.GetStringAsync("/api/users/u009/visits"), Is.EqualTo("[]"));
        Assert.That(await _worker.Admin.GetStringAsync("/api/actions"), Does.Not.Contain("\"t\\u0000\""));

        // The console: a search refused the same way; a form with a NUL is refused by the framework's form reader (400).
        using var person = new Monitor.Tests.Console.ConsoleClient(_worker.InternalUrl);
        Assert.That(await person.SignInAsync("admin", Password), Is.True);
        var (searched, answer, _) = await person.GetAsync("/console/people?department=Fin%00ance");
        Assert.That(searched, Is.EqualTo(HttpStatusCode.BadRequest), answer);
        Assert.That(answer, Does.Contain("query parameter 'department' holds the character U+0000"));
        await person.GetAsync("/console/users/u009");
        var (posted, html, _) = await person.PostAsync("/console/users/u009/acknowledgement",
            new Dictionary<string, string> { ["comment"] = "on it\0", ["expiry"] = "1d" });
        Assert.That(posted, Is.EqualTo(HttpStatusCode.BadRequest), html);
        Assert.That(await _worker.Admin.GetStringAsync("/api/users/u009"), Does.Not.Contain("on it"));
        Assert.That(_worker.Log, Does.Not.Contain("An unhandled exception"));
    }

    [Test]
    public async Task Another_content_type_is_415_and_too_many_items_413_with_problem_details()
    {
        using var text = await _worker.Admin.PostAsync("/api/signals", new StringContent("u001,0.5", Encoding.UTF8, "text/csv"));
        Assert.That(text.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
        Assert.That(text.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));

        var many = Enumerable.Range(0, 5_001).Select(i => new { userId = "u001", score = 0.1, source = $"many:{i}" });
        using var tooMany = await _worker.Admin.PostAsJsonAsync("/api/signals", many);
        Assert.That(tooMany.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));

        using var huge = await _worker.Admin.PostAsync("/api/signals",
            new StringContent("[" + new string(' ', 5 * 1024 * 1024) + "]", Encoding.UTF8, "application/json"));
        Assert.That(huge.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
    }
}
