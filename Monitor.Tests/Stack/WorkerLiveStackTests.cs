using System.Globalization;
using System.Net.Http.Json;
using Monitor.Tests.Infrastructure;
using Monitor.Tests.Stack.Harness;

namespace Monitor.Tests.Stack;

/// <summary>
/// The live stack against the real worker: the scenario's users come from a directory CSV, their states
/// from signals posted to the admin API, the failing probe from a Jira connector pointed at a closed
/// port, the silent pulse channel from a pulse sent while Prometheus watches and never answered. Prometheus scrapes the worker's
/// /metrics; every alert, route, inhibition and dashboard query is then checked by the base class.
/// </summary>
[TestFixture]
public sealed class WorkerLiveStackTests : LiveStackTestsBase, IAsyncDisposable
{
    private WorkerProcess? _worker;
    private Task? _redUserTurns;

    protected override async Task<Uri> StartTargetAsync()
    {
        var dir = TestPaths.NewTempDir("sm-stack");
        var csv = Path.Combine(dir, "users.csv");
        await File.WriteAllLinesAsync(csv, ["id,email,display_name,department,site,rank",
            .. StackScenario.Users.Select(u => $"{u.User},{u.User}@example.com,{u.User},{u.Department},{u.Site},individual_contributor"),
            .. ValueUsers.Select(u => $"{u.Id},{u.Id}@example.com,{u.Id},{ValueDepartment},Paris,{u.Rank}")]);
        _worker = await WorkerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Directory:CsvPath"] = csv,
            ["Tickets:Jira:Enabled"] = "true",
            ["Tickets:Jira:BaseUrl"] = $"http://127.0.0.1:{TestPaths.FreePort()}",
            ["Tickets:Jira:Email"] = "monitor@example.com",
            ["Tickets:Jira:ApiToken"] = "not-a-real-token",
            ["Tickets:Jira:Schedule"] = "0/5 * * * * ?",
            ["Pulse:SigningKeys:0"] = "stack-test-signing-key-0123456789abcdef",
            ["Pulse:PublicBaseUrl"] = "http://127.0.0.1:8080",
            ["Mail:PickupDirectory"] = Path.Combine(dir, "mail"),
            // The scenario's groups are small: the smallest threshold allowed lets the dashboards show their group
            // figures; their privacy at the default is tested in Monitor.Tests/Core/GroupDisclosureTests.
            ["Privacy:MinGroupSize"] = "2",
        }, dir);
        await _worker.WaitForMetricsAsync(m => m.Contains("user=\"ruth\"", StringComparison.Ordinal), TimeSpan.FromSeconds(60));

        var now = DateTimeOffset.UtcNow;
        foreach (var u in StackScenario.Users.Where(u => !u.Flapping && u.State != 0))
        {
            // The red user starts up and turns red once Prometheus watches (a state change to annotate).
            var score = u.InitialState is not null ? 0.8 : u.State == 3 ? -1.0 : u.Score;
            await Signal(u.User, score, now.AddMinutes(-30));
            if (u.Acknowledged)
            {
                await _worker.WaitForMetricsAsync(m => m.Contains($"satisfaction_user_state{{user=\"{u.User}\"", StringComparison.Ordinal) &&
                                                       Line(m, "satisfaction_user_state", u.User).EndsWith(" 3", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
                using var ack = await _worker.Admin.PostAsJsonAsync($"/api/users/{u.User}/acknowledgement", new { by = "on-call" });
                ack.EnsureSuccessStatusCode();
            }
        }
        // Flapping: a state change at every one of twelve events, ending down.
        var flapper = StackScenario.Users.Single(u => u.Flapping).User;
        for (var i = 0; i < 12; i++) await Signal(flapper, i % 2 == 0 ? 1.0 : -1.0, now.AddMinutes(-60 + i));

        await _worker.WaitForMetricsAsync(m => StackScenario.Users.Where(u => u.InitialState is null)
            .All(u => Line(m, "satisfaction_user_state", u.User).EndsWith($" {u.State}", StringComparison.Ordinal)), TimeSpan.FromSeconds(30));
        await SeedValueAnswersAsync();
        await SeedLoopAsync(Path.Combine(dir, "monitor.db"));
        await SeedEscalationAsync(Path.Combine(dir, "monitor.db"));
        _redUserTurns = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(8));
            await Signal(StackScenario.RedUser, -1.0, DateTimeOffset.UtcNow);
            // Once the red user is red, IT declares an incident on their site (docs/dependencies.md): ParentDown fires, the red
            // user still pages (red before it opened) and the dashboards annotate it.
            await _worker.WaitForMetricsAsync(m => Line(m, "satisfaction_user_state", StackScenario.RedUser).EndsWith(" 3", StringComparison.Ordinal),
                TimeSpan.FromSeconds(30));
            using var incident = await _worker.Admin.PostAsJsonAsync("/api/incidents",
                new { parent = $"site:{StackScenario.RedUserSite}", title = "Paris network change" });
            Assert.That(incident.IsSuccessStatusCode, Is.True, await incident.Content.ReadAsStringAsync());
            // A pulse nobody answers, sent while Prometheus watches the counter.
            using var pulse = await _worker.Admin.PostAsync("/api/users/erin/pulse", null);
            pulse.EnsureSuccessStatusCode();
        });
        return new Uri(_worker.InternalUrl, "/metrics");
    }

    protected override async ValueTask StopTargetAsync()
    {
        if (_redUserTurns is not null) await _redUserTurns;
        if (_worker is not null) await _worker.DisposeAsync();
        _worker = null;
    }

    public ValueTask DisposeAsync() => StopTargetAsync();

    // The value board's data (docs/value.md): a campaign of the value set for one department, a pulse to each of its
    // people (the campaign picks the set), and their answers to the three questions — enough on both sides to publish.
    private const string ValueDepartment = "Valuation";

    private static readonly (string Id, string Rank)[] ValueUsers =
        [.. Enumerable.Range(1, 10).Select(i => ($"val{i:00}", i <= 5 ? "individual_contributor" : "manager"))];

    private async Task SeedValueAnswersAsync()
    {
        var now = DateTimeOffset.UtcNow;
        using var campaign = await _worker!.Admin.PostAsJsonAsync("/api/campaigns",
            new { questionSet = "value", departments = new[] { ValueDepartment }, start = now.AddMinutes(-1), end = now.AddDays(1) });
        Assert.That(campaign.IsSuccessStatusCode, Is.True, await campaign.Content.ReadAsStringAsync());
        foreach (var (id, rank) in ValueUsers)
        {
            using var pulse = await _worker.Admin.PostAsync($"/api/users/{id}/pulse", null);
            Assert.That(pulse.IsSuccessStatusCode, Is.True, await pulse.Content.ReadAsStringAsync());
            var pulseId = (await pulse.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("pulseId").GetGuid();
            for (var q = 0; q < 3; q++)
            {
                using var r = await _worker.Admin.PostAsJsonAsync($"/api/users/{id}/signals", new
                {
                    kind = "pulse_answer", score = rank == "manager" ? 1.0 : 0.5,
                    source = Monitor.Probes.Pulse.PulseService.PulseSource(pulseId, q),
                });
                Assert.That(r.IsSuccessStatusCode, Is.True, await r.Content.ReadAsStringAsync());
            }
        }
        await _worker.WaitForMetricsAsync(m => m.Contains("satisfaction_rank_gap{group_type=\"overall\"", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20));
    }

    // The loop's data (docs/loop.md): a visit, an action shipped because of a comment, a negative comment left
    // without action for 61 days, and what the value people said about lost time on the thank-you page.
    private async Task SeedLoopAsync(string database)
    {
        var now = DateTimeOffset.UtcNow;
        using (var visit = await _worker!.Admin.PostAsJsonAsync("/api/users/val01/visits", new { kind = "in_person", feeling = 0.5, by = "stack" }))
            Assert.That(visit.IsSuccessStatusCode, Is.True, await visit.Content.ReadAsStringAsync());
        using (var said = await _worker.Admin.PostAsJsonAsync("/api/users/val02/signals",
                   new { kind = "touchpoint", score = -0.2, comment = "the printer jams", source = "stack:printer" }))
            Assert.That(said.IsSuccessStatusCode, Is.True, await said.Content.ReadAsStringAsync());
        using (var old = await _worker.Admin.PostAsJsonAsync("/api/users/val03/signals", new
               {
                   kind = "ticket_sentiment", score = -0.5, comment = "nobody answered", source = "stack:old",
                   observedAt = now.AddDays(-61).ToString("O", CultureInfo.InvariantCulture),
               }))
            Assert.That(old.IsSuccessStatusCode, Is.True, await old.Content.ReadAsStringAsync());
        using var action = await _worker.Admin.PostAsJsonAsync("/api/actions",
            new { title = "New printer", description = "replaced the printer", signals = new[] { "val02/touchpoint/stack:printer" }, by = "stack" });
        Assert.That(action.IsSuccessStatusCode, Is.True, await action.Content.ReadAsStringAsync());
        var id = (await action.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetGuid();
        using (var ship = await _worker.Admin.PostAsJsonAsync($"/api/actions/{id}/ship", new { notify = false, by = "stack" }))
            Assert.That(ship.IsSuccessStatusCode, Is.True, await ship.Content.ReadAsStringAsync());

        // Lost time is given on the thank-you page; the page itself is tested in Monitor.Tests/Pulse. Here the answers go
        // straight into the store the worker reads, one per value person, so that every department and site has some.
        await using var db = new Monitor.Worker.Storage.Database(Microsoft.Extensions.Options.Options.Create(
            new Monitor.Worker.Storage.StorageOptions { ConnectionString = $"Data Source={database}" }));
        var feedback = new Monitor.Worker.Pulse.PulseFeedbackRepository(db);
        foreach (var (user, i) in ValueUsers.Select((u, i) => (u.Id, i)))
        {
            await feedback.SaveAsync(new Monitor.Probes.Pulse.StoredFeedback(Guid.NewGuid(), 0, user, i % 2 == 0 ? "bad" : "good",
                null, Monitor.Probes.Pulse.LostTimes.All[i % 4], now), default);
        }
        await _worker.WaitForMetricsAsync(m => m.Contains("satisfaction_group_lost_time_answers{", StringComparison.Ordinal) &&
                                               m.Contains("satisfaction_feedback_without_action 1", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30));
    }

    // Escalation (docs/operations.md "Escalation"): the red users went down hours ago, and on-call's acknowledgement of the
    // lapsed user expired while they are still red. Neither can be reached through the API without waiting hours, so both
    // go straight into the store the worker reads, as SeedLoopAsync does.
    private async Task SeedEscalationAsync(string database)
    {
        var now = DateTimeOffset.UtcNow;
        await using var db = new Monitor.Worker.Storage.Database(Microsoft.Extensions.Options.Options.Create(
            new Monitor.Worker.Storage.StorageOptions { ConnectionString = $"Data Source={database}" }));
        var states = new Monitor.Worker.Storage.StateRepository(db);
        var red = StackScenario.Users.Where(u => u.State == 3 && u.InitialState is null).Select(u => u.User).ToList();
        var stored = await states.LoadAsync(red);
        await states.SaveAsync([.. stored.Values.Select(s => s with { StateSince = now - StackScenario.DownFor })], [], []);
        await new Monitor.Worker.Storage.AcknowledgementRepository(db).SetAsync(new Monitor.Core.Evaluation.Acknowledgement(
            StackScenario.LapsedUser, "on-call", null, now.AddHours(-3), now.AddMinutes(-10)));
        await _worker!.WaitForMetricsAsync(m => m.Contains(
            $"satisfaction_user_acknowledgement_lapsed_timestamp_seconds{{user=\"{StackScenario.LapsedUser}\"", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30));
    }

    private async Task Signal(string user, double score, DateTimeOffset at)
    {
        using var r = await _worker!.Admin.PostAsJsonAsync($"/api/users/{user}/signals",
            new { kind = "touchpoint", score, observedAt = at.ToString("O", CultureInfo.InvariantCulture) });
        Assert.That(r.IsSuccessStatusCode, Is.True, await r.Content.ReadAsStringAsync());
    }

    private static string Line(string metrics, string metric, string user) =>
        metrics.Split('\n').FirstOrDefault(l => l.StartsWith($"{metric}{{user=\"{user}\",", StringComparison.Ordinal)) ?? "";
}
