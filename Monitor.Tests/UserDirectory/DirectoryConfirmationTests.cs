using System.Net;
using System.Text.Json;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.UserDirectory;

/// <summary>An operator confirms a large removal by the admin API or the CLI verb; until then the worker refuses it.</summary>
public sealed class DirectoryConfirmationTests
{
    private static string WriteCsv(string dir, int users)
    {
        var path = Path.Combine(dir, "users.csv");
        var rows = Enumerable.Range(1, users).Select(i => $"u{i:00},u{i:00}@example.com,User {i},Finance,Paris");
        File.WriteAllLines(path + ".new", ["id,email,display_name,department,site", .. rows]);
        File.Move(path + ".new", path, overwrite: true);
        return path;
    }

    [Test]
    public async Task The_admin_call_answers_409_with_the_reason_and_imports_once_confirmed()
    {
        var dir = TestPaths.NewTempDir("sm-dirconfirm");
        var csv = WriteCsv(dir, 20);
        await using var worker = await WorkerProcess.StartAsync(new Dictionary<string, string> { ["Directory:CsvPath"] = csv }, dir);
        WriteCsv(dir, 10);

        using var refused = await worker.Admin.PostAsync("/api/directory/sync", null);
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(refused.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
        Assert.That(problem.GetProperty("reason").GetString(), Is.EqualTo("removal_share"));
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("would remove 10 of 20 users"));
        var metrics = await worker.MetricsAsync();
        Assert.That(metrics, Does.Match("satisfaction_directory_imports_refused_total\\{reason=\"removal_share\"\\} [1-9]"));
        Assert.That(metrics, Does.Contain("satisfaction_directory_users 20"));

        using var confirmed = await worker.Admin.PostAsync("/api/directory/sync?confirmRemoval=true", null);
        Assert.That(confirmed.StatusCode, Is.EqualTo(HttpStatusCode.OK), await confirmed.Content.ReadAsStringAsync());
        var changes = JsonDocument.Parse(await confirmed.Content.ReadAsStringAsync()).RootElement;
        Assert.That(changes.GetProperty("left").GetInt32(), Is.EqualTo(10));
    }

    [Test]
    public async Task In_anonymous_mode_a_refused_import_names_its_lines_but_no_id_or_address()
    {
        // The refusal quoted the rows' ids and e-mail addresses to the admin API in every mode.
        var dir = TestPaths.NewTempDir("sm-dirconfirm");
        var csv = WriteCsv(dir, 20);
        await using var worker = await WorkerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Directory:CsvPath"] = csv, ["Privacy:Mode"] = "anonymous",
        }, dir);
        File.AppendAllLines(csv, ["u21,u05@example.com,User 21,Finance,Paris"]);

        using var refused = await worker.Admin.PostAsync("/api/directory/sync", null);
        var detail = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString();
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), detail);
        Assert.That(detail, Does.Contain("users.csv line 22: email '…' appears twice"));
        Assert.That(detail, Does.Not.Contain("u05@example.com"));
    }

    [Test]
    public async Task The_cli_verb_refuses_with_exit_1_and_imports_with_confirm_removal()
    {
        var dir = TestPaths.NewTempDir("sm-dirconfirm");
        var env = new Dictionary<string, string>
        {
            ["Directory__CsvPath"] = WriteCsv(dir, 20),
            ["Storage__ConnectionString"] = $"Data Source={Path.Combine(dir, "m.db")}",
            ["DOTNET_NOLOGO"] = "1",
        };
        Task<(int, string)> Run(params string[] args) =>
            ProcessRunner.RunAsync("dotnet", [WorkerProcess.WorkerDll, "directory-sync", .. args], environment: env,
                timeout: TimeSpan.FromSeconds(90));

        var (code, output) = await Run();
        Assert.That(code, Is.Zero, output);
        Assert.That(output, Does.Contain("Directory imported: 20 joined, 0 updated, 0 left."));

        WriteCsv(dir, 10);
        (code, output) = await Run();
        Assert.That(code, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("would remove 10 of 20 users"));

        (code, output) = await Run("--confirm-removal");
        Assert.That(code, Is.Zero, output);
        Assert.That(output, Does.Contain("0 joined, 0 updated, 10 left (removal confirmed)."));
    }
}
