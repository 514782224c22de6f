using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Monitor.Core.Pulses;
using Monitor.Probes.Pulse;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Pulse;
using Monitor.Worker.Storage;

namespace Monitor.Tests.Worker;

/// <summary>The value report and the campaigns API on the real worker.</summary>
public sealed partial class ValueEndToEndTests
{
    private WorkerProcess _worker = null!;
    private string _connectionString = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        var dir = TestPaths.NewTempDir("sm-value");
        _connectionString = $"Data Source={Path.Combine(dir, "monitor.db")}";
        _worker = await WorkerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Privacy:MinGroupSize"] = "2",
            ["Storage:ConnectionString"] = _connectionString,
        }, dir);
    }

    [OneTimeTearDown]
    public async Task Stop() => await _worker.DisposeAsync();

    private async Task AnswerAsync(string user, params double[] scores)
    {
        // The pulse is written to the worker's store as the probe would; the answers come through the admin API.
        await using var db = new Database(Options.Create(new StorageOptions { Provider = "sqlite", ConnectionString = _connectionString }));
        var now = DateTimeOffset.UtcNow;
        var pulse = new PulseRecord(Guid.CreateVersion7(), user, PulseQuestions.Value, PulseReasons.Manual, now.AddMinutes(-5),
            now.AddDays(3));
        await new PulseRepository(db).CreateManyAsync([new NewPulse(pulse, "email", $"{user}@example.com", "m")], default);
        for (var q = 0; q < scores.Length; q++)
        {
            using var r = await _worker.Admin.PostAsJsonAsync($"/api/users/{user}/signals",
                new { kind = "pulse_answer", score = scores[q], source = PulseService.PulseSource(pulse.Id, q) });
            Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.Created), await r.Content.ReadAsStringAsync());
        }
    }

    private static double? Series(string metrics, string name, string labels)
    {
        var m = Regex.Match(metrics, $@"^{name}\{{{Regex.Escape(labels)}\}} (\S+)$", RegexOptions.Multiline);
        return m.Success ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    [Test]
    public async Task The_means_by_rank_and_the_rank_gap_are_exported_where_both_sides_reach_the_threshold()
    {
        // Finance (sample directory): u007 and u013 are individual contributors, u019 and u043 managers. u002, Sales'
        // executive, answers first, so that any refresh that shows Finance's gap has read it too.
        await AnswerAsync("u002", -1.0);
        await AnswerAsync("u007", 1.0, 0.5, 0.0);
        await AnswerAsync("u013", 1.0, 0.5, 0.0);
        await AnswerAsync("u019", -0.5, 0.5);
        await AnswerAsync("u043", -0.5, 0.5);

        // A refresh sets the gauges one after another, and a scrape can come in between: one that shows the second question's
        // gap need not show the first's yet (seen in CI). Wait for a scrape that shows both of Finance's.
        const string finance = "group_type=\"department\",group=\"Finance\"";
        var text = await _worker.WaitForMetricsAsync(m => Series(m, "satisfaction_rank_gap", $"{finance},dimension=\"you\"") is not null &&
            Series(m, "satisfaction_rank_gap", $"{finance},dimension=\"team\"") is not null, TimeSpan.FromSeconds(20));

        Assert.That(Series(text, "satisfaction_rank_gap", $"{finance},dimension=\"you\""), Is.EqualTo(-1.5));
        Assert.That(Series(text, "satisfaction_rank_gap", $"{finance},dimension=\"team\""), Is.EqualTo(0.0));
        Assert.That(Series(text, "satisfaction_rank_gap", "group_type=\"overall\",group=\"all\",dimension=\"you\""), Is.Null,
            "overall management minus Finance's would be Sales' one executive");
        Assert.That(Series(text, "satisfaction_group_value_score", $"{finance},dimension=\"you\",rank=\"management\""), Is.EqualTo(-0.5));
        Assert.That(Series(text, "satisfaction_group_value_score", $"{finance},dimension=\"you\",rank=\"manager\""), Is.EqualTo(-0.5));
        Assert.That(Series(text, "satisfaction_group_value_score", $"{finance},dimension=\"business\",rank=\"individual_contributor\""),
            Is.EqualTo(0.0));
        Assert.That(Series(text, "satisfaction_rank_gap", "group_type=\"overall\",group=\"all\",dimension=\"team\""), Is.EqualTo(0.0),
            "nobody outside Finance answered the second question");
        Assert.That(text, Does.Not.Contain("dimension=\"business\",rank=\"management\""), "the managers did not answer it");
        Assert.That(text, Does.Not.Contain("group=\"Sales\",dimension"), "one person in Sales answered");

        var (code, output) = await ProcessRunner.RunAsync("promtool", ["check", "metrics"], stdin: text);
        Assert.That(code, Is.EqualTo(0), output);
    }

    [Test]
    public async Task A_campaign_is_created_listed_and_deleted_and_a_bad_one_is_refused_naming_the_field()
    {
        var start = DateTimeOffset.UtcNow;
        using var created = await _worker.Admin.PostAsJsonAsync("/api/campaigns", new
        {
            questionSet = "value", departments = new[] { "Finance" }, ranks = new[] { "manager", "executive" },
            start, end = start.AddDays(14),
        });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        Assert.That(created.Headers.Location?.ToString(), Is.EqualTo($"/api/campaigns/{id}"));

        var listed = await _worker.Admin.GetFromJsonAsync<JsonElement>("/api/campaigns");
        var mine = listed.EnumerateArray().Single(c => c.GetProperty("id").GetString() == id);
        Assert.That(mine.GetProperty("departments").EnumerateArray().Select(d => d.GetString()), Is.EqualTo(new[] { "Finance" }));

        foreach (var (body, field) in new (object, string)[]
        {
            (new { departments = new[] { "Finance" }, start, end = start.AddDays(1) }, "questionSet"),
            (new { questionSet = "nope", start, end = start.AddDays(1) }, "questionSet"),
            (new { questionSet = "value", departments = new[] { "Fnance" }, start, end = start.AddDays(1) }, "departments[0]"),
            (new { questionSet = "value", ranks = new[] { "manager", "boss" }, start, end = start.AddDays(1) }, "ranks[1]"),
            (new { questionSet = "value", end = start.AddDays(1) }, "start"),
            (new { questionSet = "value", start, end = start.AddDays(-1) }, "end"),
        })
        {
            using var r = await _worker.Admin.PostAsJsonAsync("/api/campaigns", body);
            Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await r.Content.ReadAsStringAsync(), Does.Contain(field));
        }
        using (var notJson = await _worker.Admin.PostAsync("/api/campaigns",
                   new StringContent("{", System.Text.Encoding.UTF8, "application/json")))
            Assert.That(notJson.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));

        Assert.That((await _worker.Admin.DeleteAsync($"/api/campaigns/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await _worker.Admin.DeleteAsync($"/api/campaigns/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await _worker.Http.GetAsync("/api/campaigns")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }
}
