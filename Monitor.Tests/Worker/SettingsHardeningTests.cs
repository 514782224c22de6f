using System.Net;
using System.Net.Sockets;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Worker;

/// <summary>Settings the worker used to accept when wrong (issue 13): each stops it with exit 2 and the key named.</summary>
public sealed class SettingsHardeningTests
{
    private const string SigningKey = "Pulse__SigningKeys__0=a-signing-key-long-enough-0123456789";

    [TestCase("Metrcs__PseudonymiseUsers=true", "Metrcs is not a setting the worker reads (did you mean 'Metrics'?)")]
    [TestCase("Tickets__Jirra__BaseUrl=https://jira.example.com", "Tickets:Jirra is not a setting the worker reads (did you mean 'Jira'?)")]
    [TestCase("Pulse__NoAnswerWeight=NaN", "Pulse:NoAnswerWeight must be in (0, 1] (got NaN)")]
    [TestCase("Pulse__DailySampleRate=NaN", "Pulse:DailySampleRate must be in (0, 1] (got NaN)")]
    [TestCase("Storage__ConnectionString=Data Source=:memory:", "Storage:ConnectionString must name a database file")]
    [TestCase("Storage__ConnectionString=Data Source=", "Storage:ConnectionString must name a database file")]
    [TestCase("Storage__ConnectionString=Data Source=m.db;Mode=Memory", "Storage:ConnectionString must name a database file")]
    [TestCase("Pulse__Scanner__HoneypotQuarantine=-00:10:00", "Pulse:Scanner:HoneypotQuarantine must not be negative")]
    [TestCase("Pulse__BusinessDays__0=9", "Pulse:BusinessDays holds 9, which is not a day of the week")]
    [TestCase("Pulse__PublicBaseUrl=http://pulse.example.com/?x=1|" + SigningKey,
        "Pulse:PublicBaseUrl must not have a query or a fragment")]
    [TestCase("Pulse__PublicBaseUrl=http://pulse.example.com/#top|" + SigningKey,
        "Pulse:PublicBaseUrl must not have a query or a fragment")]
    [TestCase("Admin__ApiKey=                ", "Admin:ApiKey must be at least 16 characters without surrounding spaces")]
    [TestCase("Mail__PickupDirectory=/proc/mail-pickup", "Mail:PickupDirectory '/proc/mail-pickup' cannot be written")]
    [TestCase("Mail__Outbox__Connections=0", "Mail:Outbox:Connections must be in [1, 16] (got 0)")]
    [TestCase("Mail__Outbox__Connections=17", "Mail:Outbox:Connections must be in [1, 16] (got 17)")]
    [TestCase("Pulse__LinkValidity=10000.00:00:00", "Pulse:LinkValidity must be at most 90 days")]
    [TestCase("Directory__MaxRemovalShare=NaN", "Directory:MaxRemovalShare must be between 0 and 1")]
    [TestCase("Evaluation__Flapping__HighPercent=NaN", "Evaluation:Flapping must satisfy 0 < LowPercent <= HighPercent <= 100")]
    [TestCase("Tickets__Webhook__MinimumSentimentConfidence=NaN", "Tickets:Webhook:MinimumSentimentConfidence must be between 0 and 1")]
    public async Task A_wrong_setting_stops_the_worker_with_exit_2_naming_the_key(string settings, string message)
    {
        var env = Environment();
        foreach (var pair in settings.Split('|'))
        {
            var at = pair.IndexOf('=', StringComparison.Ordinal);
            env[pair[..at]] = pair[(at + 1)..];
        }
        await AssertRefusedAsync(env, message);
    }

    [Test]
    public async Task A_public_port_in_use_is_exit_2_naming_the_key()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var env = Environment();
        env["Endpoints__Public"] = $"http://127.0.0.1:{port}";
        await AssertRefusedAsync(env, $"Endpoints:Public (http://127.0.0.1:{port}) cannot be opened");
    }

    [Test]
    public async Task Https_without_a_certificate_is_exit_2_naming_the_key()
    {
        var env = Environment();
        env["Endpoints__Internal"] = $"https://127.0.0.1:{TestPaths.FreePort()}";
        env["HOME"] = TestPaths.NewTempDir("sm-nohome"); // no developer certificate to fall back on
        await AssertRefusedAsync(env, "Endpoints:Internal (https://127.0.0.1:");
    }

    private static Dictionary<string, string> Environment() => new()
    {
        ["Directory__CsvPath"] = TestPaths.Samples("users.csv"),
        ["Endpoints__Public"] = $"http://127.0.0.1:{TestPaths.FreePort()}",
        ["Endpoints__Internal"] = $"http://127.0.0.1:{TestPaths.FreePort()}",
        ["Storage__ConnectionString"] = $"Data Source={Path.Combine(TestPaths.NewTempDir("sm-cfg"), "m.db")}",
        ["Mail__PickupDirectory"] = TestPaths.NewTempDir("sm-pickup"),
    };

    private static async Task AssertRefusedAsync(Dictionary<string, string> env, string message)
    {
        var (code, output) = await ProcessRunner.RunAsync("dotnet", [WorkerProcess.WorkerDll], environment: env,
            timeout: TimeSpan.FromSeconds(60));
        Assert.That(code, Is.EqualTo(2), output);
        Assert.That(output, Does.Contain(message));
        Assert.That(output, Does.Not.Contain("   at "), "no stack trace for a bad setting");
    }
}
