using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Monitor.Tests.Console;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Privacy;

namespace Monitor.Tests.Privacy;

/// <summary>
/// The real worker in pseudonymous and in anonymous mode: after a state change, a pulse and an admin API signal,
/// neither the log nor /metrics carries a sample user's id or e-mail address.
/// </summary>
[TestFixture("pseudonymous")]
[TestFixture("anonymous")]
[NonParallelizable]
public sealed partial class PrivacyModeWorkerTests(string mode)
{
    private const string Key = "privacy-test-pseudonym-key-0123";
    private const string Password = "privacy-test-password-1";
    private WorkerProcess _worker = null!;
    private string _mail = null!;

    [OneTimeSetUp]
    public async Task StartWorker()
    {
        var dir = TestPaths.NewTempDir("sm-privacy");
        _mail = Path.Combine(dir, "mail");
        _worker = await WorkerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Privacy:Mode"] = mode,
            ["Privacy:PseudonymKey"] = Key,
            ["Pulse:SigningKeys:0"] = "privacy-test-signing-key-0123456789abcdef",
            ["Pulse:PublicBaseUrl"] = "http://127.0.0.1:8080",
            ["Mail:PickupDirectory"] = _mail,
            // No scheduled pulse (the default runs every 15 minutes on weekday mornings): the test counts the e-mails.
            ["Pulse:Cron"] = "0 0 0 1 1 ? 2099",
            ["Console:LocalAccount:Password"] = Password,
        }, dir);
        await _worker.WaitForMetricsAsync(m => m.Contains("satisfaction_group_users{", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
    }

    [OneTimeTearDown]
    public async Task StopWorker() => await _worker.DisposeAsync();

    private static string Label(string userId) => PrivacyPolicy.Pseudonym(Encoding.UTF8.GetBytes(Key), userId);

    private static IEnumerable<string> SampleIdentities()
    {
        foreach (var line in File.ReadLines(TestPaths.Samples("users.csv")).Skip(1))
        {
            var fields = line.Split(',');
            yield return fields[1];
        }
    }

    [Test]
    public async Task A_state_change_a_pulse_and_an_api_signal_leave_no_id_in_the_log_or_the_metrics()
    {
        using var signal = await _worker.Admin.PostAsJsonAsync("/api/users/u010/signals",
            new { kind = "touchpoint", score = -1.0, comment = "fed up with the VPN" });
        Assert.That(signal.StatusCode, Is.EqualTo(HttpStatusCode.Created), await signal.Content.ReadAsStringAsync());
        using var pulse = await _worker.Admin.PostAsync("/api/users/u011/pulse", null);
        Assert.That(pulse.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await pulse.Content.ReadAsStringAsync());

        // The state change is logged under the label; the pulse goes out as a file in the pickup directory.
        var until = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < until && !(_worker.Log.Contains("went Unknown -> Down", StringComparison.Ordinal) &&
                                             Directory.Exists(_mail) && Directory.EnumerateFiles(_mail).Any()))
        {
            await Task.Delay(250);
        }
        var log = _worker.Log;
        Assert.That(log, Does.Contain($"User {Label("u010")} went Unknown -> Down"), log);
        Assert.That(Directory.EnumerateFiles(_mail).Count(), Is.EqualTo(1), "the pulse was sent");

        var metrics = await _worker.MetricsAsync();
        foreach (var (text, what) in new[] { (log, "log"), (metrics, "/metrics") })
        {
            Assert.That(SampleId().Matches(text).Select(m => m.Value).Distinct(), Is.Empty, $"user ids in the {what}");
            foreach (var email in SampleIdentities())
                Assert.That(text, Does.Not.Contain(email), $"an e-mail address in the {what}");
        }
        if (mode == "pseudonymous")
        {
            Assert.That(metrics, Does.Contain($"satisfaction_user_state{{user=\"{Label("u010")}\",department=\"HR\""));
        }
        else
        {
            var userSeries = metrics.Split('\n').Where(l => l.StartsWith("satisfaction_user_", StringComparison.Ordinal));
            Assert.That(userSeries, Is.Empty, "anonymous: no per-user series");
            Assert.That(metrics, Does.Contain("satisfaction_group_users{group_type=\"department\",group=\"Finance\""));
        }
    }

    [Test]
    public async Task The_admin_api_and_the_console_show_individuals_only_outside_anonymous_mode()
    {
        using var one = await _worker.Admin.GetAsync("/api/users/u001");
        using var all = await _worker.Admin.GetAsync("/api/users");
        using var changes = await _worker.Admin.GetAsync("/api/state-changes");
        // Who to visit, comments with their writer, a person's visits: individuals as much as the user list (were 200).
        using var outreach = await _worker.Admin.GetAsync("/api/outreach");
        using var outreachCsv = await _worker.Admin.GetAsync("/api/outreach.csv");
        using var comments = await _worker.Admin.GetAsync("/api/comments?q=VPN");
        using var visits = await _worker.Admin.GetAsync("/api/users/u001/visits");
        using var person = new ConsoleClient(_worker.InternalUrl);
        Assert.That(await person.SignInAsync("admin", Password), Is.True);
        var (audit, html, response) = await person.GetAsync("/console/audit");
        var expected = mode == "anonymous" ? HttpStatusCode.Forbidden : HttpStatusCode.OK;
        Assert.Multiple(() =>
        {
            Assert.That(one.StatusCode, Is.EqualTo(expected));
            Assert.That(all.StatusCode, Is.EqualTo(expected));
            Assert.That(changes.StatusCode, Is.EqualTo(expected));
            foreach (var r in new[] { outreach, outreachCsv, comments, visits })
                Assert.That(r.StatusCode, Is.EqualTo(expected), r.RequestMessage!.RequestUri!.PathAndQuery);
            // The Staff policy fails for everyone in anonymous mode: the console sends staff to its "not allowed" page.
            Assert.That(audit, Is.EqualTo(mode == "anonymous" ? HttpStatusCode.Redirect : HttpStatusCode.OK), html);
        });
        if (mode == "anonymous")
        {
            Assert.That(response.Headers.Location?.OriginalString, Does.Contain("/console/denied"));
            var problem = await one.Content.ReadFromJsonAsync<JsonElement>();
            Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("Privacy:Mode is anonymous"));
        }
        // An access request is answered in every mode, and audited.
        using var export = await _worker.Admin.GetAsync("/api/users/u001/export");
        Assert.That(export.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Acknowledging_in_the_console_logs_the_pseudonym_not_the_id()
    {
        // Anonymous mode: the same requests, refused (nobody acknowledges individuals there), and nothing logged of them.
        var pseudonymous = mode == "pseudonymous";
        using var signal = await _worker.Admin.PostAsJsonAsync("/api/users/u013/signals", new { kind = "touchpoint", score = -1.0 });
        Assert.That(signal.StatusCode, Is.EqualTo(HttpStatusCode.Created), await signal.Content.ReadAsStringAsync());
        var until = DateTime.UtcNow.AddSeconds(45);
        while (DateTime.UtcNow < until && !_worker.Log.Contains($"User {Label("u013")} went", StringComparison.Ordinal))
            await Task.Delay(250);

        using var person = new ConsoleClient(_worker.InternalUrl);
        Assert.That(await person.SignInAsync("admin", Password), Is.True);
        await person.GetAsync("/console/users/u013");
        var (acked, html, _) = await person.PostAsync("/console/users/u013/acknowledgement",
            new Dictionary<string, string> { ["comment"] = "on it", ["expiry"] = "1d" });
        if (pseudonymous) Assert.That(acked, Is.EqualTo(HttpStatusCode.Redirect), html);
        await person.GetAsync("/console/users/u013");
        var (removed, _, _) = await person.PostAsync("/console/users/u013/acknowledgement/remove", new Dictionary<string, string>());
        if (pseudonymous) Assert.That(removed, Is.EqualTo(HttpStatusCode.Redirect));

        var lines = _worker.Log.Split('\n').Where(l => l.Contains("Console: admin", StringComparison.Ordinal)).ToList();
        if (pseudonymous)
        {
            Assert.That(lines, Has.Some.Contains($"acknowledged user {Label("u013")}"), string.Join('\n', lines));
            Assert.That(lines, Has.Some.Contains($"removed the acknowledgement of {Label("u013")}"), string.Join('\n', lines));
        }
        else Assert.That(lines, Has.None.Contains("acknowledge"), string.Join('\n', lines));
        Assert.That(lines, Has.None.Contains("u013"), "the real id in the log");
    }

    // A sample id (u001 … u099) on its own; a pseudonym is u and 16 hex digits, so it never matches.
    [GeneratedRegex(@"\bu0\d\d\b")]
    private static partial Regex SampleId();
}
