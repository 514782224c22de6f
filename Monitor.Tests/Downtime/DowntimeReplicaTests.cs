using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Storage;

namespace Monitor.Tests.Downtime;

/// <summary>
/// The downtime API on two real workers sharing one PostgreSQL: a downtime created through one is honoured by the other
/// (its gauge, its pulse run), signals are still recorded during it, bad requests get problem details and are counted,
/// and ending it early on the other replica removes the gauge everywhere.
/// </summary>
[NonParallelizable]
public sealed class DowntimeReplicaTests
{
    private const string InDowntime = "satisfaction_user_in_downtime{user=\"u001\",department=\"Finance\",site=\"Paris\"} 1";

    [Test]
    public async Task A_downtime_made_on_one_replica_silences_pulses_and_alert_series_on_the_other_until_it_ends()
    {
        var connection = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        Dictionary<string, string> Settings() => new()
        {
            ["Storage:Provider"] = "postgres",
            ["Storage:ConnectionString"] = connection,
            ["HOME"] = TestPaths.NewTempDir("sm-home"),
            ["Pulse:SigningKeys:0"] = "downtime-replica-signing-key-0123456789",
            ["Pulse:PublicBaseUrl"] = "http://127.0.0.1:9",
            ["Pulse:Cron"] = "0 0 0 1 1 ? 2099",
            ["Pulse:DailySampleRate"] = "1",
            ["Pulse:QuietUntil"] = "00:00",
            ["Pulse:QuietFrom"] = "23:59:59",
            ["Pulse:BusinessDays:0"] = "Monday", ["Pulse:BusinessDays:1"] = "Tuesday", ["Pulse:BusinessDays:2"] = "Wednesday",
            ["Pulse:BusinessDays:3"] = "Thursday", ["Pulse:BusinessDays:4"] = "Friday", ["Pulse:BusinessDays:5"] = "Saturday",
            ["Pulse:BusinessDays:6"] = "Sunday",
            ["Mail:PickupDirectory"] = TestPaths.NewTempDir("sm-pickup"),
        };
        await using var first = await WorkerProcess.StartAsync(Settings());
        await using var second = await WorkerProcess.StartAsync(Settings());
        var now = DateTimeOffset.UtcNow;

        using var created = await first.Admin.PostAsJsonAsync("/api/downtimes", new
        {
            users = new[] { "u001" }, until = now.AddHours(2), reason = "leave", author = "alice",
        });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        // The other replica: the gauge, the list, a signal still recorded, and a pulse run that leaves u001 out.
        await second.WaitForMetricsAsync(m => m.Contains(InDowntime, StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        var listed = await second.Admin.GetFromJsonAsync<JsonElement>("/api/downtimes?user=u001");
        Assert.That(listed.EnumerateArray().Select(d => (d.GetProperty("id").GetString(), d.GetProperty("active").GetBoolean(),
            d.GetProperty("author").GetString())), Is.EqualTo(new[] { (id, true, "alice") }));
        using var signal = await second.Admin.PostAsJsonAsync("/api/users/u001/signals", new { score = -0.5, kind = "touchpoint" });
        Assert.That(signal.StatusCode, Is.EqualTo(HttpStatusCode.Created), "signals are still recorded during a downtime");

        using var run = await second.Admin.PostAsync("/api/probes/pulse/run", null);
        Assert.That(run.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await using var db = new Database(Options.Create(new StorageOptions { Provider = "postgres", ConnectionString = connection }));
        var pulsed = await WaitForPulsesAsync(db);
        Assert.That(pulsed, Does.Not.Contain("u001").And.Contain("u002"), second.Log);

        // Refused requests: problem details naming the problem, counted by reason.
        using var bad = await second.Admin.PostAsJsonAsync("/api/downtimes", new { users = new[] { "u001" }, reason = "leave" });
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(bad.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(await bad.Content.ReadAsStringAsync(), Does.Contain("until is required"));
        using var group = await second.Admin.PostAsJsonAsync("/api/downtimes", new
        {
            group_type = "site", group = "Atlantis", until = now.AddHours(1), reason = "x",
        });
        Assert.That(group.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var metrics = await second.MetricsAsync();
        Assert.That(metrics, Does.Contain("satisfaction_downtime_requests_rejected_total{reason=\"invalid\"} 1"));
        Assert.That(metrics, Does.Contain("satisfaction_downtime_requests_rejected_total{reason=\"unknown_group\"} 1"));

        // Ended early through the second replica: the first stops exporting it.
        using var ended = await second.Admin.DeleteAsync($"/api/downtimes/{id}");
        Assert.That(ended.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await first.WaitForMetricsAsync(m => !m.Contains("satisfaction_user_in_downtime{", StringComparison.Ordinal) &&
            m.Contains("satisfaction_user_up{user=\"u001\"", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        using var again = await first.Admin.DeleteAsync($"/api/downtimes/{id}");
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    private static async Task<IReadOnlyList<string>> WaitForPulsesAsync(Database db)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            await using var c = await db.OpenAsync();
            var users = (await c.QueryAsync<string>("SELECT user_id FROM pulses")).ToList();
            // The run writes in batches and marks itself done: wait for the mark, not for the first batch.
            var mark = await c.ExecuteScalarAsync<string?>("SELECT value FROM watermarks WHERE name = 'pulse:dispatch'");
            if (users.Count > 0 && mark?.StartsWith("done", StringComparison.Ordinal) == true) return users;
            if (DateTime.UtcNow > deadline) Assert.Fail($"no finished pulse run (mark {mark}, {users.Count} pulses)");
            await Task.Delay(250);
        }
    }
}
