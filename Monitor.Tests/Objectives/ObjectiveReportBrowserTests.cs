using System.Net;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using Monitor.Core.Actions;
using Monitor.Tests.Console;
using Monitor.Tests.Infrastructure;
using Monitor.Tests.Pulse;
using Monitor.Tests.Stack;
using Monitor.Worker.Actions;
using Monitor.Worker.Storage;
using static Monitor.Tests.Objectives.ObjectiveScenario;

namespace Monitor.Tests.Objectives;

/// <summary>
/// The real worker with the constructed October in its store (no downtime module: the leave counts): the console's
/// printable report shows the hand-worked figures in Chromium, the admin API gives the CSV, bad months get a 400
/// that is counted, and /metrics carries the objective's group series.
/// </summary>
/// <remarks>
/// Without downtime, in days of user-time: eligible 140, down 46, achieved 94/140 = 67.1 %, budget left
/// 1 - (46/140)/0.1 = -228.6 %; weeks 14/28 = 50.0 %, 18/28 = 64.3 %, 22/34 = 64.7 %, 28/35 = 80.0 %, 12/15 = 80.0 %.
/// </remarks>
[NonParallelizable]
public sealed class ObjectiveReportBrowserTests
{
    private const string Password = "objective-report-password-1";

    [Test]
    public async Task The_printable_report_shows_the_figures_of_the_stored_history()
    {
        var dir = TestPaths.NewTempDir("sm-objectives");
        var csv = Path.Combine(dir, "users.csv");
        await File.WriteAllTextAsync(csv, "id,email,display_name,department,site,manager,rank,time_zone,locale,active,opted_out\n" +
            string.Concat(Users.Select(u => $"{u},{u}@example.com,User {u},Finance,Paris,,individual_contributor,UTC,en-GB,true,false\n")));
        await using var worker = await WorkerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Directory:CsvPath"] = csv,
            ["Console:LocalAccount:Password"] = Password,
            ["Privacy:MinGroupSize"] = "3",
            ["Metrics:RefreshInterval"] = "00:00:01",
            ["Metrics:GroupRefreshInterval"] = "00:00:01",
            ["Objectives:Departments:Finance"] = "0.9",
        }, workDir: dir);
        await SeedAsync(Path.Combine(dir, "monitor.db"));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browsers.LaunchAsync(playwright, likeAPerson: false);
        var page = await browser.NewPageAsync();
        var console = worker.InternalUrl.ToString().TrimEnd('/');
        await ConsoleBrowser.SignInAsync(page, console, Password);

        var response = await page.GotoAsync($"{console}/console/reports/objectives?month=2026-10&department=Finance");
        Assert.That(response!.Status, Is.EqualTo(200));
        var report = page.Locator("section[data-department='Finance']");
        Assert.That(await report.Locator("h2").TextContentAsync(), Is.EqualTo("Finance · October 2026"));
        Assert.That(await report.Locator("[data-figure=target]").TextContentAsync(), Is.EqualTo("90.0 % of users not down"));
        Assert.That(await report.Locator("[data-figure=achieved]").TextContentAsync(), Is.EqualTo("67.1 %"));
        Assert.That(await report.Locator("[data-figure=budget]").TextContentAsync(), Is.EqualTo("-228.6 %"));
        Assert.That(await report.Locator("[data-figure=users]").TextContentAsync(), Is.EqualTo("5"));
        var weeks = await report.Locator("tr:has(td.n) td.n").AllTextContentsAsync();
        Assert.That(weeks.Skip(4), Is.EqualTo(new[] { "50.0 %", "64.3 %", "64.7 %", "80.0 %", "80.0 %" }));
        Assert.That(await report.Locator("tr[data-worst] td").First.TextContentAsync(), Is.EqualTo("2026-10-01"));
        Assert.That(await report.Locator("tr[data-worst]").CountAsync(), Is.EqualTo(2));
        // What a person typed is shown as text, never as markup.
        Assert.That(await report.Locator("li[data-action]").AllTextContentsAsync(),
            Is.EqualTo(new[] { "Wi-Fi <b>fixed</b> (2026-10-20)" }));
        Assert.That(await report.Locator("li[data-action] b").CountAsync(), Is.Zero);

        // Printed, the form is hidden and the figures stay.
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        Assert.That(await page.Locator("form").IsVisibleAsync(), Is.False);
        Assert.That(await report.Locator("[data-figure=achieved]").IsVisibleAsync(), Is.True);
        await page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = RepoFiles.PathOf("docs/images/objectives-report.png"), FullPage = true,
        });

        using var ok = await worker.Admin.GetAsync("/api/reports/objectives?month=2026-10");
        Assert.That(ok.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/csv"));
        Assert.That(await ok.Content.ReadAsStringAsync(),
            Does.Contain("Finance,2026-10,objective,2026-10-01,2026-11-01,,0.9,0.6714,-2.2857,5"));
        using var bad = await worker.Admin.GetAsync("/api/reports/objectives?month=October");
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        using var unknown = await worker.Admin.GetAsync("/api/reports/objectives?month=2026-10&department=Nowhere");
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        const string target = "satisfaction_objective_target{group_type=\"department\",group=\"Finance\"} 0.9";
        var metrics = await worker.WaitForMetricsAsync(t => t.Contains(target, StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        Assert.That(metrics, Does.Contain("satisfaction_objective_reports_refused_total{reason=\"bad_month\"} 1"));
        Assert.That(metrics, Does.Contain("satisfaction_objective_users_eligible{group_type=\"site\",group=\"Paris\"}"));
    }

    /// <summary>The scenario's state changes and one shipped action, written into the worker's own store.</summary>
    private static async Task SeedAsync(string file)
    {
        var options = new StorageOptions { Provider = Stores.Sqlite, ConnectionString = $"Data Source={file}" };
        await using var db = new Database(Options.Create(options));
        await new StateRepository(db).SaveAsync([], Changes, []);
        var actions = new ActionRepository(db);
        var a = new ActionRecord(Guid.CreateVersion7(), "Wi-Fi <b>fixed</b>", "done", "it", "alice", Oct(15));
        await actions.CreateAsync(a, default);
        await actions.LinkAsync(a.Id, [new SignalRef("f3", "ticket_sentiment", "t1")], "alice", Oct(16), default);
        await actions.ShipAsync(a.Id, false, "alice", Oct(20), default);
    }
}
