using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Worker;

/// <summary>A bad setting stops the worker at start-up with a message naming the key.</summary>
public sealed class ConfigurationTests
{
    [TestCase("Storage__Provider", "mysql", "Storage:Provider must be 'sqlite' or 'postgres' (got 'mysql').")]
    [TestCase("Evaluation__Thresholds__DownBelow", "0.9", "Evaluation:Thresholds must satisfy")]
    [TestCase("Evaluation__Interval", "soon", "Evaluation:Interval")]
    [TestCase("Endpoints__Internal", "http://127.0.0.1:8080", "must use different ports")]
    [TestCase("Admin__ApiKey", "short", "Admin:ApiKey must be at least 16 characters")]
    [TestCase("Directory__CsvPath", "/nowhere/users.csv", "Directory:CsvPath names '/nowhere/users.csv', which does not exist.")]
    [TestCase("Metrics__Colour", "blue", "Colour")]
    [TestCase("Console__LocalAccount__Password", "short", "Console:LocalAccount:Password must be at least 12 characters")]
    [TestCase("Console__Oidc__Authority", "http://idp.example.com/", "Console:Oidc:Authority must use https")]
    [TestCase("Console__SessionLifetime", "forever", "Console:SessionLifetime")]
    public async Task An_invalid_setting_fails_at_start_naming_the_key(string variable, string value, string message)
    {
        var env = new Dictionary<string, string>
        {
            ["Directory__CsvPath"] = TestPaths.Samples("users.csv"),
            ["Endpoints__Public"] = $"http://127.0.0.1:{TestPaths.FreePort()}",
            ["Endpoints__Internal"] = $"http://127.0.0.1:{TestPaths.FreePort()}",
            ["Storage__ConnectionString"] = $"Data Source={Path.Combine(TestPaths.NewTempDir("sm-cfg"), "m.db")}",
            [variable] = value,
        };
        if (variable == "Endpoints__Internal") env["Endpoints__Public"] = "http://127.0.0.1:8080";
        var (code, output) = await ProcessRunner.RunAsync("dotnet", [WorkerProcess.WorkerDll], environment: env,
            timeout: TimeSpan.FromSeconds(60));
        Assert.That(code, Is.EqualTo(2), output);
        Assert.That(output, Does.Contain(message));
        Assert.That(output, Does.Not.Contain("   at "), "no stack trace for a bad setting");
    }
}
