using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Monitor.Tests.Console;
using Monitor.Tests.Infrastructure;
using Monitor.Tests.Pulse;

namespace Monitor.Tests.Outreach;

/// <summary>Visits, who to visit, lunches, their metrics and the weekly digest on the real worker process.</summary>
public sealed class OutreachWorkerTests
{
    internal const string Password = "outreach-password-1";
    private WorkerProcess _worker = null!;
    private string _dir = null!;

    /// <summary>Ten users in three departments; n01 and n07 joined a week ago (welcome visits; the console test visits n07).</summary>
    internal static string WriteDirectory(string dir)
    {
        var joined = DateTime.UtcNow.AddDays(-7).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var csv = new StringBuilder("id,email,display_name,department,site,rank,joined\n");
        for (var i = 1; i <= 10; i++)
        {
            var dept = new[] { "Finance", "Sales", "HR" }[i % 3];
            var rank = i % 4 == 0 ? "manager" : "individual_contributor";
            var joinedOn = i is 1 or 7 ? joined : "";
            csv.Append(CultureInfo.InvariantCulture, $"n{i:D2},n{i:D2}@example.com,Person {i:D2},{dept},Paris,{rank},{joinedOn}\n");
        }
        var path = Path.Combine(dir, "users.csv");
        File.WriteAllText(path, csv.ToString());
        return path;
    }

    internal static Dictionary<string, string> Settings(string dir) => new()
    {
        ["Directory:CsvPath"] = WriteDirectory(dir),
        ["Console:LocalAccount:Password"] = Password,
        ["Mail:PickupDirectory"] = Path.Combine(dir, "mail"),
        // No scheduled pulse (the default runs every 15 minutes on weekday mornings): the test counts the e-mails.
        ["Pulse:Cron"] = "0 0 0 1 1 ? 2099",
        ["Outreach:Digest:Enabled"] = "true",
        ["Outreach:Digest:Recipients:0"] = "rota@example.com",
        ["Outreach:Digest:Recipients:1"] = "lead@example.com",
        ["Privacy:MinGroupSize"] = "3",
    };

    [OneTimeSetUp]
    public async Task Start()
    {
        _dir = TestPaths.NewTempDir("sm-outreach");
        _worker = await WorkerProcess.StartAsync(Settings(_dir), workDir: _dir);
    }

    [OneTimeTearDown]
    public async Task Stop() => await _worker.DisposeAsync();

    private Task<HttpResponseMessage> Post(string path, string json) =>
        _worker.Admin.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    [Test]
    public async Task A_visit_is_recorded_listed_and_becomes_a_touchpoint_signal()
    {
        var followUp = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        using var created = await Post("/api/users/n02/visits",
            $$"""{"kind":"in_person","feeling":-0.5,"notes":"laptop slow","by":"it-lead","followUpOn":"{{followUp}}"}""");
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var visit = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(visit.GetProperty("by").GetString(), Is.EqualTo("it-lead"));
        var id = visit.GetProperty("id").GetString();

        // Newest first; the lunch tests of this class may have given n02 a lunch visit before, so only the head is ours.
        var listed = (await _worker.Admin.GetFromJsonAsync<JsonElement>("/api/users/n02/visits")).EnumerateArray().ToList();
        Assert.That(listed.Select(v => v.GetProperty("id").GetString()).Count(v => v == id), Is.EqualTo(1));
        Assert.That(listed[0].GetProperty("id").GetString(), Is.EqualTo(id));
        Assert.That(listed.Skip(1).Select(v => v.GetProperty("kind").GetString()), Has.All.EqualTo("lunch"));
        var user = await _worker.Admin.GetFromJsonAsync<JsonElement>("/api/users/n02");
        var signal = user.GetProperty("signals").EnumerateArray().Single(s => s.GetProperty("source").GetString() == $"visit:{id}");
        Assert.That((signal.GetProperty("kind").GetString(), signal.GetProperty("score").GetDouble()), Is.EqualTo(("touchpoint", -0.5)));
    }

    [TestCase("""{"kind":"visit","feeling":0,"by":"x"}""", "kind must be one of")]
    [TestCase("""{"kind":"call","feeling":0.3,"by":"x"}""", "feeling must be one of")]
    [TestCase("""{"kind":"call","feeling":0}""", "by is required")]
    [TestCase("""{"kind":"call","by":"x","followUpOn":"2001-01-01"}""", "followUpOn is before the visit")]
    [TestCase("""{"kind":"call","by":"x","followUpOn":"next week"}""", "not valid")]
    [TestCase("""{"kind":"call","by":"x","at":"2999-01-01T00:00:00Z"}""", "at is in the future")]
    [TestCase("""{"kind":"call",""", "not valid")]
    [TestCase("""[1,2]""", "not valid")]
    public async Task Bad_visits_get_a_400_that_says_what_is_wrong(string body, string expected)
    {
        using var r = await Post("/api/users/n03/visits", body);
        Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await r.Content.ReadAsStringAsync(), Does.Contain(expected));
    }

    [Test]
    public async Task Unknown_users_lunches_and_missing_keys_are_refused()
    {
        using var unknown = await Post("/api/users/nobody/visits", """{"kind":"call","by":"x"}""");
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        using var noKey = await _worker.Http.PostAsync("/api/users/n03/visits",
            new StringContent("""{"kind":"call","by":"x"}""", Encoding.UTF8, "application/json"));
        Assert.That(noKey.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        using var noLunch = await Post($"/api/lunches/{Guid.NewGuid()}/attendance", """{"came":[],"by":"x"}""");
        Assert.That(noLunch.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        using var zero = await Post("/api/lunches", """{"n":0,"by":"x"}""");
        Assert.That(zero.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        using var form = await _worker.Admin.PostAsync("/api/users/n03/visits",
            new StringContent("kind=call", Encoding.UTF8, "text/plain"));
        Assert.That(form.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    // n01 stays unvisited in every test of this class (the lunch tests leave n01 out of who came).
    [Test]
    public async Task Who_to_visit_explains_every_line_and_exports_as_csv()
    {
        var list = await _worker.Admin.GetFromJsonAsync<JsonElement>("/api/outreach");
        var n01 = list.EnumerateArray().Single(l => l.GetProperty("userId").GetString() == "n01");
        Assert.That(n01.GetProperty("reason").GetString(), Is.EqualTo("welcome"));
        Assert.That(n01.GetProperty("explanation").GetString(), Does.EndWith(": welcome visit"));
        Assert.That(list.EnumerateArray().All(l => l.GetProperty("explanation").GetString()!.Length > 0));

        using var csv = await _worker.Admin.GetAsync("/api/outreach.csv");
        Assert.That(csv.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/csv"));
        var rows = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(rows[0], Is.EqualTo("user_id,display_name,department,site,reason,since,explanation"));
        Assert.That(rows, Has.Some.StartsWith("n01,Person 01,Sales,Paris,welcome,"));
    }

    [Test]
    public async Task A_lunch_is_drawn_and_attendance_makes_lunch_visits()
    {
        using var drawn = await Post("/api/lunches", """{"n":3,"seed":5,"by":"it-lead"}""");
        Assert.That(drawn.StatusCode, Is.EqualTo(HttpStatusCode.Created), await drawn.Content.ReadAsStringAsync());
        var lunch = await drawn.Content.ReadFromJsonAsync<JsonElement>();
        var people = lunch.GetProperty("drawn").EnumerateArray().Select(p => p.GetProperty("id").GetString()!).ToList();
        Assert.That(people, Has.Count.EqualTo(3));
        Assert.That(lunch.GetProperty("drawn").EnumerateArray().Select(p => p.GetProperty("department").GetString()).Distinct().Count(),
            Is.EqualTo(3), "three seats, three departments");

        var id = lunch.GetProperty("id").GetString();
        using var stranger = await Post($"/api/lunches/{id}/attendance", """{"came":["nobody"],"by":"it-lead"}""");
        Assert.That(stranger.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var cameIds = people.Where(p => p != "n01").Take(2);
        using var came = await Post($"/api/lunches/{id}/attendance", JsonSerializer.Serialize(new { came = cameIds, by = "it-lead" }));
        Assert.That(came.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var visits = await _worker.Admin.GetFromJsonAsync<JsonElement>($"/api/users/{people.First(p => p != "n01")}/visits");
        Assert.That(visits.EnumerateArray().Single().GetProperty("kind").GetString(), Is.EqualTo("lunch"));
    }

    [Test]
    public async Task Contact_metrics_follow_the_store_and_pass_promtool()
    {
        using var created = await Post("/api/users/n05/visits", """{"kind":"call","feeling":0.5,"by":"it-lead"}""");
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var scrape = await _worker.WaitForMetricsAsync(t =>
            t.Contains("satisfaction_visits{kind=\"call\"}", StringComparison.Ordinal) &&
            !t.Contains("satisfaction_visits{kind=\"call\"} 0", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        Assert.That(scrape,
            Does.Match("""satisfaction_user_last_contact_timestamp_seconds\{user="n05",department="HR",site="Paris"\} 1\d{9}"""));
        Assert.That(scrape,
            Does.Contain("satisfaction_user_last_contact_timestamp_seconds{user=\"n04\",department=\"Sales\",site=\"Paris\"} 0"));
        Assert.That(scrape, Does.Match("""satisfaction_group_contacted_ratio\{group_type="department",group="HR"\} 0\.\d+"""));
        Assert.That(scrape, Does.Contain("satisfaction_red_users_visited_ratio 1"));
        Assert.That(scrape, Does.Not.Contain("laptop slow"), "nothing typed becomes a label");
        var (code, output) = await ProcessRunner.RunAsync("promtool", ["check", "metrics"], stdin: scrape);
        Assert.That(code, Is.Zero, output);
        Assert.That(output.Trim(), Is.Empty, output);
    }

    [Test]
    public async Task The_weekly_digest_is_queued_for_every_recipient_and_delivered_as_eml()
    {
        using var run = await _worker.Admin.PostAsync("/api/probes/outreach_digest/run", null);
        Assert.That(run.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await run.Content.ReadAsStringAsync());
        var pickup = Path.Combine(_dir, "mail");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string[] files = [];
        while (DateTime.UtcNow < deadline && (files = Directory.Exists(pickup) ? Directory.GetFiles(pickup, "*.eml") : []).Length < 2)
            await Task.Delay(250);
        Assert.That(files, Has.Length.EqualTo(2), _worker.Log);
        var messages = files.Select(f => MimeKit.MimeMessage.Load(f)).ToList();
        Assert.That(messages.Select(m => m.To.Mailboxes.Single().Address),
            Is.EquivalentTo(new[] { "rota@example.com", "lead@example.com" }));
        Assert.That(messages[0].Subject, Does.StartWith("Who to visit this week: "));
        Assert.That(messages[0].TextBody, Does.Contain("Person 01 (Sales, Paris): joined").And.Contain("welcome visit"));
    }

    [Test]
    public async Task A_person_logs_a_visit_in_the_console_keeps_what_they_typed_on_error_and_draws_a_lunch()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright, likeAPerson: true);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(_worker.InternalUrl, "/console/outreach").ToString());
        await page.FillAsync("#user", "admin");
        await page.FillAsync("#password", Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/console/outreach");
        Assert.That(await page.InnerTextAsync("tr[data-user=n07]"), Does.Contain("welcome visit"));

        await page.ClickAsync("tr[data-user=n07] >> text=Log a visit");
        await page.WaitForURLAsync("**/console/users/n07/visits/new");
        await page.SelectOptionAsync("#kind", "call");
        await page.CheckAsync("#feeling-happy");
        await page.FillAsync("#notes", "Welcome <b>chat</b>, wants a second screen");
        await page.FillAsync("#followUpOn", "2001-01-01");
        await ConsoleBrowser.SubmitAsync(page, "button[type=submit]");
        Assert.That(await page.InnerTextAsync("[role=alert]"), Does.Contain("The follow-up date is before today."));
        Assert.That(await page.InputValueAsync("#notes"), Is.EqualTo("Welcome <b>chat</b>, wants a second screen"), "kept as typed");
        Assert.That(await page.InputValueAsync("#kind"), Is.EqualTo("call"));
        Assert.That(await page.IsCheckedAsync("#feeling-happy"), Is.True);
        Assert.That(await page.InputValueAsync("#followUpOn"), Is.EqualTo("2001-01-01"));

        var due = DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await page.FillAsync("#followUpOn", due);
        // The user page itself is another feature's: what matters here is the redirect to it.
        var saved = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("button[type=submit]"),
            r => r.Request.Method == "POST" && r.Url.EndsWith("/visits/new", StringComparison.Ordinal));
        Assert.That(saved.Status, Is.EqualTo(302));
        Assert.That(await saved.HeaderValueAsync("location"), Is.EqualTo("/console/users/n07"));
        var visit = (await _worker.Admin.GetFromJsonAsync<JsonElement>("/api/users/n07/visits")).EnumerateArray().Single();
        Assert.That(visit.GetProperty("by").GetString(), Is.EqualTo("admin"), "the signed-in person");
        var followUpOn = visit.GetProperty("followUpOn").GetString();
        Assert.That((visit.GetProperty("kind").GetString(), visit.GetProperty("feeling").GetDouble(), followUpOn),
            Is.EqualTo(("call", 0.5, due)));

        // The welcome is done; the follow-up is what brings n07 back to the list. (A fresh tab, same session: the
        // redirect target is the user page, which is not part of this feature.)
        page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(_worker.InternalUrl, "/console/outreach").ToString());
        Assert.That(await page.GetAttributeAsync("tr[data-user=n07]", "data-reason"), Is.EqualTo("follow_up_due"));

        await page.GotoAsync(new Uri(_worker.InternalUrl, "/console/lunch").ToString());
        await page.FillAsync("#count", "lots");
        await ConsoleBrowser.SubmitAsync(page, "button[type=submit]");
        Assert.That(await page.InnerTextAsync("[role=alert]"), Does.Contain("a whole number"));
        Assert.That(await page.InputValueAsync("#count"), Is.EqualTo("lots"));
        await page.FillAsync("#count", "2");
        await ConsoleBrowser.SubmitAsync(page, "button[type=submit]");
        var boxes = page.Locator("#drawn input[type=checkbox]");
        Assert.That(await boxes.CountAsync(), Is.EqualTo(2));
        var box = page.Locator("#drawn input[type=checkbox]:not([value=n01])").First;
        var first = await box.GetAttributeAsync("value");
        await box.CheckAsync();
        await ConsoleBrowser.SubmitAsync(page, "text=Save who came");
        Assert.That(await page.InnerTextAsync("h1"), Is.EqualTo("Attendance saved"));
        var lunchVisits = await _worker.Admin.GetFromJsonAsync<JsonElement>($"/api/users/{first}/visits");
        Assert.That(lunchVisits.EnumerateArray().Count(v => v.GetProperty("kind").GetString() == "lunch" &&
            v.GetProperty("by").GetString() == "admin"), Is.EqualTo(1));
    }
}
