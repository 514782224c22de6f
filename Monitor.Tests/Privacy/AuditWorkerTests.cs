using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Monitor.Tests.Console;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Privacy;

/// <summary>
/// The real worker (identified mode): reads of one person are audited with the actor, the audit log is served as
/// JSON, CSV and a console page for staff; export and erasure through the admin API and the CLI.
/// </summary>
[NonParallelizable]
public sealed class AuditWorkerTests
{
    private const string Password = "audit-test-password-1";
    private WorkerProcess _worker = null!;

    [OneTimeSetUp]
    public async Task StartWorker()
    {
        _worker = await WorkerProcess.StartAsync(new Dictionary<string, string> { ["Console:LocalAccount:Password"] = Password });
        await _worker.WaitForMetricsAsync(m => m.Contains("user=\"u020\"", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
    }

    [OneTimeTearDown]
    public async Task StopWorker() => await _worker.DisposeAsync();

    [Test]
    public async Task A_read_of_one_person_is_audited_and_the_log_is_served_as_json_csv_and_a_console_page()
    {
        using var read = await _worker.Admin.GetAsync("/api/users/u005");
        Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var missing = await _worker.Admin.GetAsync("/api/users/nobody");
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));

        var entries = await _worker.Admin.GetFromJsonAsync<JsonElement>("/api/audit?subject=u005");
        var entry = entries.EnumerateArray().Single();
        Assert.That(entry.GetProperty("actor").GetString(), Is.EqualTo("api-key"));
        Assert.That(entry.GetProperty("action").GetString(), Is.EqualTo("view_user"));
        Assert.That((await _worker.Admin.GetFromJsonAsync<JsonElement>("/api/audit?subject=nobody")).GetArrayLength(), Is.Zero,
            "a read that found nobody is not an access to anyone's data");
        using var badSince = await _worker.Admin.GetAsync("/api/audit?since=yesterday");
        Assert.That(badSince.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));

        using var csv = await _worker.Admin.GetAsync("/api/audit.csv?subject=u005");
        Assert.That(csv.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/csv"));
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Is.EqualTo("at,actor,action,subject_user_id,detail"));
        Assert.That(lines[1], Does.EndWith(",api-key,view_user,u005,"));

        using var person = new ConsoleClient(_worker.InternalUrl);
        Assert.That(await person.GetAsync("/console/audit") is { Status: HttpStatusCode.Redirect }, "signed out: to the sign-in page");
        Assert.That(await person.SignInAsync("admin", Password), Is.True);
        var (status, html, _) = await person.GetAsync("/console/audit?subject=u005");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(ConsoleClient.Text(html), Does.Contain("api-keyview_useru005"));
    }

    [Test]
    public async Task Export_and_erase_through_the_api_and_the_cli_are_audited_and_leave_the_group_figures()
    {
        using var signal = await _worker.Admin.PostAsJsonAsync("/api/users/u020/signals",
            new { kind = "touchpoint", score = -1.0, comment = "my laptop is slow" });
        Assert.That(signal.StatusCode, Is.EqualTo(HttpStatusCode.Created));

        var export = await _worker.Admin.GetFromJsonAsync<JsonElement>("/api/users/u020/export");
        Assert.That(export.GetProperty("directory").GetProperty("id").GetString(), Is.EqualTo("u020"));
        Assert.That(export.GetProperty("signals")[0].GetProperty("comment").GetString(), Is.EqualTo("my laptop is slow"));
        Assert.That(export.GetProperty("audit")[0].GetProperty("action").GetString(), Is.EqualTo("export_user"));

        using var erase = await _worker.Admin.DeleteAsync("/api/users/u020/data");
        Assert.That(erase.StatusCode, Is.EqualTo(HttpStatusCode.OK), await erase.Content.ReadAsStringAsync());
        var erased = await erase.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(erased.GetProperty("erased").GetProperty("signals").GetInt32(), Is.EqualTo(1));
        var after = await _worker.Admin.GetFromJsonAsync<JsonElement>("/api/users/u020/export");
        Assert.That(after.GetProperty("signals").GetArrayLength(), Is.Zero);
        using var unknown = await _worker.Admin.DeleteAsync("/api/users/nobody/data");
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));

        using var second = await _worker.Admin.PostAsJsonAsync("/api/users/u021/signals", new { kind = "touchpoint", score = 0.5 });
        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var (exit, output) = await ProcessRunner.RunAsync("dotnet", [WorkerProcess.WorkerDll, "erase", "--user", "u021",
            $"--Storage:ConnectionString=Data Source={Path.Combine(_worker.WorkDir, "monitor.db")}",
            $"--Directory:CsvPath={TestPaths.Samples("users.csv")}"], workingDirectory: _worker.WorkDir);
        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain("Erased 'u021': 1 signals"));
        var (none, noneOutput) = await ProcessRunner.RunAsync("dotnet", [WorkerProcess.WorkerDll, "erase", "--user", "nobody",
            $"--Storage:ConnectionString=Data Source={Path.Combine(_worker.WorkDir, "monitor.db")}",
            $"--Directory:CsvPath={TestPaths.Samples("users.csv")}"], workingDirectory: _worker.WorkDir);
        Assert.That(none, Is.EqualTo(1), noneOutput);

        var audit = await _worker.Admin.GetFromJsonAsync<JsonElement>("/api/audit");
        var erasures = audit.EnumerateArray().Where(e => e.GetProperty("action").GetString() == "erase_user")
            .Select(e => (e.GetProperty("actor").GetString(), e.GetProperty("subjectUserId").GetString())).ToList();
        Assert.That(erasures, Does.Contain(("api-key", "u020")));
        Assert.That(erasures.Any(e => e.Item1!.StartsWith("cli:", StringComparison.Ordinal) && e.Item2 == "u021"), Is.True);
        // The directory record stays: both are still counted in their group.
        await _worker.WaitForMetricsAsync(m => m.Contains("user=\"u020\"", StringComparison.Ordinal) &&
                                              m.Contains("user=\"u021\"", StringComparison.Ordinal), TimeSpan.FromSeconds(15));
    }
}
