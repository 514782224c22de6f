using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Worker;

/// <summary>
/// The real worker process on each store: the sample users appear, a dissatisfied user goes down, is
/// acknowledged, recovers; a leaver's series disappear; the metrics pass promtool.
/// </summary>
[TestFixture(Stores.Sqlite)]
[TestFixture(Stores.Postgres)]
[NonParallelizable]
public sealed partial class WorkerEndToEndTests(string provider)
{
    private WorkerProcess _worker = null!;
    private string _csv = null!;

    [OneTimeSetUp]
    public async Task StartWorker()
    {
        var dir = TestPaths.NewTempDir("sm-e2e");
        _csv = Path.Combine(dir, "users.csv");
        File.Copy(TestPaths.Samples("users.csv"), _csv);
        var settings = new Dictionary<string, string> { ["Directory:CsvPath"] = _csv, ["Storage:Provider"] = provider };
        if (provider == Stores.Postgres)
            settings["Storage:ConnectionString"] = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        _worker = await WorkerProcess.StartAsync(settings, dir);
        // Ready means store and scheduler; the first directory sync may still be on its way.
        await _worker.WaitForMetricsAsync(m => m.Contains("user=\"u010\"", StringComparison.Ordinal) &&
                                               m.Contains("user=\"u050\"", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
    }

    [OneTimeTearDown]
    public async Task StopWorker() => await _worker.DisposeAsync();

    private static string Series(string metric, string user) => $"{metric}{{user=\"{user}\",";

    private static double? Value(string metrics, string metric, string user)
    {
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith(Series(metric, user), StringComparison.Ordinal));
        return line is null ? null : double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Test]
    public async Task Every_sample_user_is_exported_as_unknown_at_first()
    {
        var ids = File.ReadLines(_csv).Skip(1).Select(l => l.Split(',')[0]).ToList();
        var text = await _worker.WaitForMetricsAsync(
            m => ids.All(id => Value(m, "satisfaction_user_state", id) is not null), TimeSpan.FromSeconds(60));
        // u010 is the user another test makes dissatisfied; every other user has no signal yet.
        foreach (var id in ids.Where(id => id != "u010"))
        {
            Assert.That(Value(text, "satisfaction_user_up", id), Is.EqualTo(1), id);
            Assert.That(Value(text, "satisfaction_user_state", id), Is.EqualTo(0), id);
        }
        Assert.That(text, Does.Contain("satisfaction_group_users{group_type=\"department\",group=\"Finance\",state=\"unknown\"} 9"));
    }

    [Test]
    public async Task The_admin_api_answers_401_and_nothing_else_without_the_right_key()
    {
        using var none = await _worker.Http.GetAsync("/api/users");
        Assert.That(none.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await none.Content.ReadAsStringAsync(), Is.Empty);
        using var wrong = new HttpRequestMessage(HttpMethod.Post, "/api/users/u001/signals") { Content = new StringContent("{not json") };
        wrong.Headers.Authorization = new("Bearer", "not-the-key-at-all-000");
        using var r = await _worker.Http.SendAsync(wrong);
        Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await r.Content.ReadAsStringAsync(), Is.Empty);
    }

    [Test]
    public async Task Admin_endpoints_are_not_served_on_the_public_listener()
    {
        using var http = new HttpClient { BaseAddress = _worker.PublicUrl };
        using var metrics = await http.GetAsync("/metrics");
        Assert.That(metrics.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        using var api = new HttpRequestMessage(HttpMethod.Get, "/api/users");
        api.Headers.Authorization = new("Bearer", WorkerProcess.ApiKey);
        api.Headers.Host = $"127.0.0.1:{_worker.InternalUrl.Port}";
        Assert.That((await http.SendAsync(api)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "the Host header does not open the admin API");
    }

    [Test]
    public async Task A_dissatisfied_user_goes_down_is_acknowledged_and_recovers()
    {
        const string user = "u010";
        using var post = await _worker.Admin.PostAsJsonAsync($"/api/users/{user}/signals",
            new { kind = "touchpoint", score = -1.0, comment = "fed up with the VPN" });
        Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.Created), await post.Content.ReadAsStringAsync());
        var source = (await post.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("source").GetString();

        var text = await _worker.WaitForMetricsAsync(m => Value(m, "satisfaction_user_state", user) == 3, TimeSpan.FromSeconds(15));
        Assert.That(Value(text, "satisfaction_user_up", user), Is.EqualTo(0));
        Assert.That(Value(text, "satisfaction_user_score", user), Is.EqualTo(-1));

        var detail = await _worker.Admin.GetFromJsonAsync<JsonElement>($"/api/users/{user}");
        var change = detail.GetProperty("stateChanges")[0];
        Assert.That(change.GetProperty("to").GetString(), Is.EqualTo("down"));
        Assert.That(change.GetProperty("causes")[0].GetProperty("source").GetString(), Is.EqualTo(source));

        using var ack = await _worker.Admin.PostAsJsonAsync($"/api/users/{user}/acknowledgement", new { by = "on-call", comment = "calling her" });
        Assert.That(ack.StatusCode, Is.EqualTo(HttpStatusCode.Created), await ack.Content.ReadAsStringAsync());
        await _worker.WaitForMetricsAsync(m => Value(m, "satisfaction_user_acknowledged", user) == 1, TimeSpan.FromSeconds(15));

        foreach (var score in new[] { 1.0, 1.0, 1.0 })
        {
            using var up = await _worker.Admin.PostAsJsonAsync($"/api/users/{user}/signals", new { kind = "touchpoint", score });
            Assert.That(up.IsSuccessStatusCode, Is.True);
        }
        text = await _worker.WaitForMetricsAsync(m => Value(m, "satisfaction_user_state", user) == 1, TimeSpan.FromSeconds(15));
        Assert.That(Value(text, "satisfaction_user_up", user), Is.EqualTo(1));
        Assert.That(Value(text, "satisfaction_user_acknowledged", user), Is.Null, "recovery clears the acknowledgement");
    }

    [Test]
    public async Task Acknowledging_a_user_who_is_not_down_is_refused()
    {
        using var r = await _worker.Admin.PostAsJsonAsync("/api/users/u001/acknowledgement", new { by = "on-call" });
        Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        using var bad = await _worker.Admin.PostAsJsonAsync("/api/users/u001/signals", new { kind = "touchpoint", score = 4.0 });
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await bad.Content.ReadAsStringAsync(), Does.Contain("outside [-1, +1]"));
        using var unknown = await _worker.Admin.PostAsJsonAsync("/api/users/nobody/signals", new { kind = "touchpoint", score = 1.0 });
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task The_metrics_pass_promtool_check_metrics()
    {
        var (code, output) = await ProcessRunner.RunAsync("promtool", ["check", "metrics"], stdin: await _worker.MetricsAsync());
        Assert.That(code, Is.Zero, output);
        Assert.That(output.Trim(), Is.Empty, output);
    }

    [Test]
    public async Task A_user_removed_from_the_directory_loses_their_series_at_the_next_sync()
    {
        await _worker.WaitForMetricsAsync(m => Value(m, "satisfaction_user_up", "u050") is not null, TimeSpan.FromSeconds(30));
        var lines = File.ReadAllLines(_csv).Where(l => !l.StartsWith("u050,", StringComparison.Ordinal)).ToArray();
        await File.WriteAllLinesAsync(_csv + ".new", lines);
        File.Move(_csv + ".new", _csv, overwrite: true);
        var text = await _worker.WaitForMetricsAsync(m => !m.Contains("user=\"u050\"", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        Assert.That(UserSeries().Matches(text).Select(m => m.Groups[1].Value).Distinct().Count(), Is.EqualTo(49));
    }

    [GeneratedRegex("^satisfaction_user_up\\{user=\"([^\"]+)\"", RegexOptions.Multiline)]
    private static partial Regex UserSeries();
}
