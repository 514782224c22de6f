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

        List<string> Lines() => _worker.Log.Split('\n').Where(l => l.Contains("Console: admin", StringComparison.Ordinal)).ToList();
        // The worker's output reaches the test through a pipe read in the background: a line logged just before the
        // redirect can still be on its way when the answer is read. Wait (bounded) for the last one expected.
        var logged = DateTime.UtcNow.AddSeconds(15);
        while (pseudonymous && DateTime.UtcNow < logged && !Lines().Any(l => l.Contains("removed the acknowledgement", StringComparison.Ordinal)))
            await Task.Delay(50);
        var lines = Lines();
        if (pseudonymous)
        {
            Assert.That(lines, Has.Some.Contains($"acknowledged user {Label("u013")}"), string.Join('\n', lines));
            Assert.That(lines, Has.Some.Contains($"removed the acknowledgement of {Label("u013")}"), string.Join('\n', lines));
        }
        else Assert.That(lines, Has.None.Contains("acknowledge"), string.Join('\n', lines));
        Assert.That(lines, Has.None.Contains("u013"), "the real id in the log");
    }

    [Test]
    public async Task In_anonymous_mode_no_admin_api_answer_or_console_page_names_an_end_user()
    {
        // Were served in anonymous mode: a downtime's users, an action's linked feedback (user, source) and the people told,
        // the audit log's subjects, the console's people list for staff, a drawn lunch's names, an acknowledgement's 409
        // saying whether one person is down. IT staff's own names as actors (author, created by, linked by) stay.
        var anonymous = mode == "anonymous";
        var now = DateTimeOffset.UtcNow;
        var bodies = new List<(string What, string Body)>();
        async Task<string> Read(string what, HttpResponseMessage r)
        {
            var body = await r.Content.ReadAsStringAsync();
            bodies.Add((what, body));
            return body;
        }

        using var downtime = await _worker.Admin.PostAsJsonAsync("/api/downtimes",
            new { users = new[] { "u020" }, from = now, until = now.AddDays(2), reason = "leave", author = "ops-anna" });
        var created = JsonDocument.Parse(await Read("POST /api/downtimes", downtime)).RootElement;
        Assert.That(downtime.StatusCode, Is.EqualTo(HttpStatusCode.Created), created.ToString());
        Assert.That(created.GetProperty("author").GetString(), Is.EqualTo("ops-anna"), "staff's names stay");
        await Read("GET /api/downtimes", await _worker.Admin.GetAsync("/api/downtimes"));
        await Read("GET /api/downtimes/{id}", await _worker.Admin.GetAsync($"/api/downtimes/{created.GetProperty("id").GetString()}"));

        using var signal = await _worker.Admin.PostAsJsonAsync("/api/users/u021/signals",
            new { kind = "touchpoint", score = -0.5, comment = "the printer again", source = "visit:printer" });
        Assert.That(signal.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        using var action = await _worker.Admin.PostAsJsonAsync("/api/actions", new
        {
            title = "New printers", description = "Replaced", by = "ops-ben",
            signals = new[] { new { user = "u021", kind = "touchpoint", source = "visit:printer" } },
        });
        var made = JsonDocument.Parse(await Read("POST /api/actions", action)).RootElement;
        Assert.That(action.StatusCode, Is.EqualTo(HttpStatusCode.Created), made.ToString());
        Assert.That(made.GetProperty("createdBy").GetString(), Is.EqualTo("ops-ben"));
        Assert.That(made.GetProperty("signals")[0].GetProperty("comment").GetString(), Is.EqualTo("the printer again"));
        await Read("GET /api/actions/{id}", await _worker.Admin.GetAsync($"/api/actions/{made.GetProperty("id").GetString()}"));
        await Read("GET /api/actions", await _worker.Admin.GetAsync("/api/actions"));

        using var export = await _worker.Admin.GetAsync("/api/users/u022/export"); // an access request: allowed in every mode
        Assert.That(export.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var audit = await Read("GET /api/audit", await _worker.Admin.GetAsync("/api/audit"));
        Assert.That(audit, Does.Contain("export_user"));
        await Read("GET /api/audit.csv", await _worker.Admin.GetAsync("/api/audit.csv"));

        using var person = new ConsoleClient(_worker.InternalUrl);
        Assert.That(await person.SignInAsync("admin", Password), Is.True);
        var (people, html, _) = await person.GetAsync("/console/people");
        Assert.That(people, Is.EqualTo(HttpStatusCode.OK), html);
        bodies.Add(("/console/people", html));

        // One person by id: refused in anonymous mode, like GET /api/users/{id}.
        using var bySubject = await _worker.Admin.GetAsync("/api/audit?subject=u022");
        using var byUser = await _worker.Admin.GetAsync("/api/downtimes?user=u020");
        using var lunch = await _worker.Admin.PostAsJsonAsync("/api/lunches", new { n = 2, by = "ops-anna" });
        using var ack = await _worker.Admin.PostAsJsonAsync("/api/users/u023/acknowledgement", new { by = "ops-anna" });
        Assert.Multiple(() =>
        {
            foreach (var r in new[] { bySubject, byUser, lunch, ack })
            {
                var path = r.RequestMessage!.RequestUri!.PathAndQuery;
                if (anonymous) Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), path);
                else Assert.That(r.StatusCode, Is.Not.EqualTo(HttpStatusCode.Forbidden), path);
            }
            var names = File.ReadLines(TestPaths.Samples("users.csv")).Skip(1).Select(l => l.Split(',')[2]).ToList();
            foreach (var (what, body) in bodies)
            {
                var ids = SampleId().Matches(body).Select(m => m.Value).Distinct().ToList();
                var named = names.Where(n => body.Contains(n, StringComparison.Ordinal)).ToList();
                if (anonymous)
                {
                    Assert.That(ids, Is.Empty, $"user ids in {what}: {body}");
                    Assert.That(named, Is.Empty, $"names in {what}");
                    Assert.That(body, Does.Not.Contain("visit:printer"), $"a signal's source in {what}");
                }
            }
            if (!anonymous)
            {
                // The same answers name the people outside anonymous mode: the test can see them.
                Assert.That(bodies.Single(b => b.What == "GET /api/downtimes/{id}").Body, Does.Contain("u020"));
                Assert.That(bodies.Single(b => b.What == "GET /api/actions/{id}").Body, Does.Contain("u021"));
                Assert.That(audit, Does.Contain("u022"));
                Assert.That(names.Any(n => html.Contains(n, StringComparison.Ordinal)), Is.True, "names on /console/people");
            }
        });
    }

    /// <summary>
    /// Other spellings of the reads about one person or a list of people: a trailing slash, another case, a
    /// percent-encoded segment or query key. Routing sends each to the same handler as its plain form (outside anonymous
    /// mode the answer is the handler's, not the router's 404), so in anonymous mode each is refused like the plain form.
    /// </summary>
    [TestCase("GET", "/api/users/")]
    [TestCase("GET", "/api/USERS")]
    [TestCase("GET", "/api/%75sers")]
    [TestCase("GET", "/api/users/u001/")]
    [TestCase("GET", "/api/Users/u001")]
    [TestCase("GET", "/api/users/u%30%301")]
    [TestCase("GET", "/api/users/u001/visits/")]
    [TestCase("GET", "/api/users/u001/Visits")]
    [TestCase("GET", "/api/users/u001/%76isits")]
    [TestCase("GET", "/api/users/u001/incidents/")]
    [TestCase("GET", "/api/State-Changes")]
    [TestCase("GET", "/api/outreach.csv/")]
    [TestCase("GET", "/api/%6Futreach")]
    [TestCase("GET", "/api/downtimes/?user=u020")]
    [TestCase("GET", "/api/Downtimes?User=u020")]
    [TestCase("GET", "/api/downtimes?%75ser=u020")]
    [TestCase("GET", "/api/audit/?subject=u022")]
    [TestCase("GET", "/api/AUDIT.CSV?Subject=u022")]
    [TestCase("POST", "/api/lunches/")]
    [TestCase("POST", "/api/LUNCHES")]
    [TestCase("POST", "/api/users/u023/acknowledgement/")]
    [TestCase("POST", "/api/users/u023/%61cknowledgement")]
    [TestCase("DELETE", "/api/Users/u023/Acknowledgement")]
    public async Task A_spelling_variant_of_a_read_about_individuals_is_refused_in_anonymous_mode(string method, string path)
    {
        var (response, body) = await SendAsWrittenAsync(method, path);
        using var _ = response;
        if (mode == "anonymous")
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), body);
            Assert.That(body, Does.Contain("Privacy:Mode is anonymous"));
        }
        else
        {
            // The variant reaches the handler: no refusal, and no 404 / 405 of the router (a handler's 404 has a detail).
            Assert.That(response.StatusCode, Is.Not.EqualTo(HttpStatusCode.Forbidden), body);
            var routed = response.StatusCode is not (HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed) ||
                         body.Contains("\"detail\"", StringComparison.Ordinal);
            Assert.That(routed, Is.True, $"{(int)response.StatusCode} {body}");
        }
    }

    /// <summary>
    /// A doubled slash: the router matches no endpoint (an empty segment is not a literal one), so in every mode the answer
    /// is its 404 without a handler's detail, and nothing about anyone is served.
    /// </summary>
    [TestCase("GET", "/api//users")]
    [TestCase("GET", "/api/users//u001")]
    [TestCase("GET", "/api/users/u001//")]
    [TestCase("GET", "/api/users/u001//visits")]
    [TestCase("GET", "/api//comments?q=VPN")]
    [TestCase("GET", "/api//audit?subject=u022")]
    [TestCase("POST", "/api//lunches")]
    [TestCase("POST", "/api/users/u023//acknowledgement")]
    public async Task A_doubled_slash_reaches_no_endpoint(string method, string path)
    {
        var (response, body) = await SendAsWrittenAsync(method, path);
        using var _ = response;
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), body);
        Assert.That(body, Does.Not.Contain("\"detail\"").And.Not.Match(SampleId().ToString()));
    }

    // Sent as written: DangerousDisablePathAndQueryCanonicalization keeps HttpClient from normalising the path first.
    private async Task<(HttpResponseMessage Response, string Body)> SendAsWrittenAsync(string method, string path)
    {
        var uri = new Uri(_worker.Admin.BaseAddress!.GetLeftPart(UriPartial.Authority) + path,
            new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var request = new HttpRequestMessage(new HttpMethod(method), uri);
        if (method == "POST") request.Content = JsonContent.Create(new { n = 1, by = "ops-anna" });
        var response = await _worker.Admin.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }

    // A sample id (u001 … u099) on its own; a pseudonym is u and 16 hex digits, so it never matches.
    [GeneratedRegex(@"\bu0\d\d\b")]
    private static partial Regex SampleId();
}
