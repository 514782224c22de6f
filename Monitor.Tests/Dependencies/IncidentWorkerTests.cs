using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Dependencies;

/// <summary>
/// Incidents on the real worker: two replicas on one PostgreSQL see the same incidents and suppress alike; a mapping
/// file with a cycle stops the worker at start-up.
/// </summary>
[NonParallelizable]
public sealed class IncidentWorkerTests
{
    private static string Mapping(string text)
    {
        var path = Path.Combine(TestPaths.NewTempDir("sm-deps"), "dependencies.csv");
        File.WriteAllText(path, text);
        return path;
    }

    private static Task<HttpResponseMessage> Post(WorkerProcess w, string path, string json) =>
        w.Admin.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    private static string Series(string family, string user, string department, string site) =>
        $"{family}{{user=\"{user}\",department=\"{department}\",site=\"{site}\"}}";

    [Test]
    public async Task Two_replicas_see_the_same_incident_suppress_alike_and_stop_suppressing_when_it_is_resolved()
    {
        var connection = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        var mapping = Mapping("child,parent\ndepartment:Finance,mail\nmail,datacenter-A\n");
        Dictionary<string, string> Settings() => new()
        {
            ["Storage:Provider"] = "postgres",
            ["Storage:ConnectionString"] = connection,
            ["Dependencies:MappingFile"] = mapping,
        };
        await using var first = await WorkerProcess.StartAsync(Settings());
        await using var second = await WorkerProcess.StartAsync(Settings());

        // u007 (Finance, Singapore) is red before the incident; u001 (Finance, Paris) turns red during it.
        using (var r = await Post(first, "/api/users/u007/signals", """{"kind":"touchpoint","score":-1.0,"comment":"printer"}"""))
            Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.Created).Or.EqualTo(HttpStatusCode.Accepted).Or.EqualTo(HttpStatusCode.OK));
        await first.WaitForMetricsAsync(m => m.Contains(Series("satisfaction_user_up", "u007", "Finance", "Singapore") + " 0"),
            TimeSpan.FromSeconds(30));

        using var declared = await Post(first, "/api/incidents", """{"parent":"datacenter-A","title":"Power cut in datacenter A"}""");
        Assert.That(declared.StatusCode, Is.EqualTo(HttpStatusCode.Created), await declared.Content.ReadAsStringAsync());
        var id = (await declared.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        await Task.Delay(50);
        using (var r = await Post(first, "/api/users/u001/signals", """{"kind":"touchpoint","score":-1.0,"comment":"no mail"}"""))
            Assert.That((int)r.StatusCode, Is.LessThan(300));

        foreach (var worker in new[] { first, second })
        {
            var metrics = await worker.WaitForMetricsAsync(
                m => m.Contains(Series("satisfaction_user_suppressed", "u001", "Finance", "Paris") + $" {id}"), TimeSpan.FromSeconds(30));
            Assert.That(metrics, Does.Contain(Series("satisfaction_user_incident", "u007", "Finance", "Singapore") + $" {id}"));
            Assert.That(metrics, Does.Not.Contain(Series("satisfaction_user_suppressed", "u007", "Finance", "Singapore")),
                "red before the incident: keeps alerting");
            Assert.That(metrics, Does.Not.Contain(Series("satisfaction_user_incident", "u002", "Sales", "Paris")), "not under datacenter-A");
            Assert.That(metrics, Does.Contain($"satisfaction_incident_info{{incident=\"{id}\",parent=\"datacenter-A\",source=\"staff\"}} 1"));
        }

        // The signal sent during the incident is tagged with it, on either replica.
        var tagged = (await second.Admin.GetFromJsonAsync<JsonElement>("/api/users/u001/incidents")).EnumerateArray()
            .Single(s => s.GetProperty("score").GetDouble() == -1.0);
        Assert.That(tagged.GetProperty("incident").GetProperty("id").GetInt64(), Is.EqualTo(id));
        Assert.That(tagged.GetProperty("incident").GetProperty("title").GetString(), Is.EqualTo("Power cut in datacenter A"));
        var listed = await second.Admin.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}");
        Assert.That(listed.GetProperty("usersUnder").GetInt32(), Is.EqualTo(new[] { "u001", "u007" }.Length + FinanceOthers()));

        using (var resolved = await second.Admin.DeleteAsync($"/api/incidents/{id}"))
            Assert.That(resolved.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using (var again = await Post(first, $"/api/incidents/{id}/resolve", "{}"))
            Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        var after = await first.WaitForMetricsAsync(m => !m.Contains("satisfaction_user_suppressed{"), TimeSpan.FromSeconds(30));
        Assert.That(after, Does.Not.Contain("satisfaction_incident_info{"));
        Assert.That(after, Does.Contain(Series("satisfaction_user_up", "u001", "Finance", "Paris") + " 0"), "evaluation went on");
    }

    // Finance users of samples/users.csv other than u001 and u007.
    private static int FinanceOthers() =>
        File.ReadLines(TestPaths.Samples("users.csv")).Skip(1).Count(l => l.Split(',')[3] == "Finance") - 2;

    [Test]
    public async Task Bad_requests_get_a_clear_400_or_404_and_are_counted()
    {
        await using var worker = await WorkerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Dependencies:MappingFile"] = Mapping("child,parent\nsite:Paris,wan-paris\n"),
        });
        using (var r = await Post(worker, "/api/incidents", """{"parent":"wan-pariss","title":"WAN down"}"""))
        {
            Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await r.Content.ReadAsStringAsync(), Does.Contain("parent 'wan-pariss'"));
        }
        using (var r = await Post(worker, "/api/incidents", """{"parent":"site:Paris"}"""))
            Assert.That(await r.Content.ReadAsStringAsync(), Does.Contain("title is required"));
        using (var r = await Post(worker, "/api/incidents", "not json"))
            Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        using (var r = await worker.Admin.GetAsync("/api/incidents/42"))
            Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        using (var r = await Post(worker, "/api/incidents", """{"parent":"wan-paris","title":"WAN down"}"""))
            Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var metrics = await worker.MetricsAsync();
        Assert.That(metrics, Does.Contain("satisfaction_incident_requests_refused_total{reason=\"unknown_parent\"} 1"));
        Assert.That(metrics, Does.Contain("satisfaction_incident_requests_refused_total{reason=\"invalid\"} 1"));
        Assert.That(metrics, Does.Not.Contain("WAN down"), "no title in a label");
    }

    [Test]
    public async Task A_mapping_file_with_a_cycle_stops_the_worker_with_exit_code_2_naming_the_cycle()
    {
        var env = new Dictionary<string, string>
        {
            ["Directory__CsvPath"] = TestPaths.Samples("users.csv"),
            ["Endpoints__Public"] = $"http://127.0.0.1:{TestPaths.FreePort()}",
            ["Endpoints__Internal"] = $"http://127.0.0.1:{TestPaths.FreePort()}",
            ["Storage__ConnectionString"] = $"Data Source={Path.Combine(TestPaths.NewTempDir("sm-cfg"), "m.db")}",
            ["Dependencies__MappingFile"] = Mapping("child,parent\nmail,datacenter-A\ndatacenter-A,mail\n"),
        };
        var (code, output) = await ProcessRunner.RunAsync("dotnet", [WorkerProcess.WorkerDll], environment: env, timeout: TimeSpan.FromSeconds(60));
        Assert.That(code, Is.EqualTo(2), output);
        Assert.That(output, Does.Contain("Dependencies:MappingFile: dependencies.csv: cycle: datacenter-A → mail → datacenter-A"));
    }
}
