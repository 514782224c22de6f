using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using MimeKit;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Pulse;

/// <summary>
/// The real worker (a child process) with a small directory, a real SMTP server and a store of the given
/// kind; pulses due at any hour so that tests do not depend on the clock.
/// </summary>
public sealed partial class PulseWorld : IAsyncDisposable
{
    public const string SigningKey = "pulse-world-signing-key-0123456789abcdef";

    /// <summary>Active and subscribed: every dispatch reaches exactly these.</summary>
    public static readonly string[] DueUsers = ["p1", "p2", "p3", "p4"];

    private readonly Dictionary<string, string> _config;
    private readonly int _publicPort;

    private PulseWorld(WorkerProcess worker, SmtpSink? sink, string dir, Dictionary<string, string> config, int publicPort, int users)
    {
        Worker = worker;
        Sink = sink;
        Dir = dir;
        _config = config;
        _publicPort = publicPort;
        Users = users;
    }

    public WorkerProcess Worker { get; private set; }

    /// <summary>Users in the directory.</summary>
    public int Users { get; }

    public SmtpSink? Sink { get; }

    public string Dir { get; }

    public static async Task<PulseWorld> StartAsync(string provider, SmtpSink? sink = null, int? smtpPort = null,
        IDictionary<string, string>? settings = null, int extraUsers = 0, IReadOnlyDictionary<string, string>? locales = null)
    {
        string L(string user, string locale) => locales?.GetValueOrDefault(user) ?? locale;
        var dir = TestPaths.NewTempDir("sm-pulse");
        var csv = Path.Combine(dir, "users.csv");
        await File.WriteAllTextAsync(csv,
            "id,email,display_name,department,site,manager,rank,time_zone,locale,active,opted_out\n" +
            $"p1,p1@example.com,Pat One,Finance,Paris,,individual_contributor,Europe/Paris,{L("p1", "en-GB")},true,false\n" +
            $"p2,p2@example.com,Pat Two,Finance,Paris,,individual_contributor,America/New_York,{L("p2", "en-US")},true,false\n" +
            $"p3,p3@example.com,Pat Three,Sales,Lyon,,manager,Asia/Tokyo,{L("p3", "ja-JP")},true,false\n" +
            $"p4,p4@example.com,Pat <Four>,Sales,Lyon,,individual_contributor,UTC,{L("p4", "en-GB")},true,false\n" +
            "p5,p5@example.com,Pat Five,Sales,Lyon,,individual_contributor,UTC,en-GB,false,false\n" +
            "p6,p6@example.com,Pat Six,Sales,Lyon,,individual_contributor,UTC,en-GB,true,true\n" +
            string.Concat(Enumerable.Range(1, extraUsers).Select(i => $"x{i:D5},x{i:D5}@example.com,Extra {i},Ops,Lyon,,individual_contributor,UTC,en-GB,true,false\n")));
        var publicPort = TestPaths.FreePort();
        var config = new Dictionary<string, string>
        {
            ["Directory:CsvPath"] = csv,
            ["Pulse:SigningKeys:0"] = SigningKey,
            ["Pulse:PublicBaseUrl"] = $"http://127.0.0.1:{publicPort}",
            ["Pulse:Cron"] = "0 0 0 1 1 ? 2099",
            ["Pulse:DailySampleRate"] = "1",
            ["Pulse:QuietUntil"] = "00:00",
            ["Pulse:QuietFrom"] = "23:59:59",
            ["Pulse:BusinessDays:0"] = "Monday",
            ["Pulse:BusinessDays:1"] = "Tuesday",
            ["Pulse:BusinessDays:2"] = "Wednesday",
            ["Pulse:BusinessDays:3"] = "Thursday",
            ["Pulse:BusinessDays:4"] = "Friday",
            ["Pulse:BusinessDays:5"] = "Saturday",
            ["Pulse:BusinessDays:6"] = "Sunday",
            ["Pulse:Scanner:MinimumAfterSend"] = "00:00:03",
            ["Pulse:Scanner:AutoSubmitDelay"] = "00:00:00.5",
            ["Mail:Outbox:PollInterval"] = "00:00:00.2",
            ["Mail:Outbox:MaxBackoff"] = "00:00:01",
            ["Mail:Smtp:Security"] = "None",
        };
        if (sink is not null || smtpPort is not null)
        {
            config["Mail:Smtp:Host"] = "127.0.0.1";
            config["Mail:Smtp:Port"] = (smtpPort ?? sink!.Port).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            config["Mail:PickupDirectory"] = Path.Combine(dir, "pickup");
        }
        if (provider == Stores.Postgres)
        {
            config["Storage:Provider"] = "postgres";
            config["Storage:ConnectionString"] = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        }
        foreach (var (k, v) in settings ?? new Dictionary<string, string>()) config[k] = v;
        var worker = await WorkerProcess.StartAsync(config, dir, publicPort);
        var world = new PulseWorld(worker, sink, dir, config, publicPort, 6 + extraUsers);
        await world.WaitForDirectoryAsync();
        return world;
    }

    private async Task WaitForDirectoryAsync()
    {
        for (var i = 0; i < 100; i++)
        {
            var users = await Worker.Admin.GetFromJsonAsync<JsonElement>("/api/users");
            if (users.GetArrayLength() == Users) return;
            await Task.Delay(200);
        }
        Assert.Fail("the directory was not imported:\n" + Worker.Log);
    }

    /// <summary>SIGKILLs the worker (a crash) and starts it again on the same store and ports.</summary>
    public async Task CrashAndRestartAsync()
    {
        Worker.Kill();
        await Worker.DisposeAsync();
        Worker = await WorkerProcess.StartAsync(_config, Dir, _publicPort);
    }

    /// <summary>A second worker on the same store (its own listeners), as another replica.</summary>
    public Task<WorkerProcess> StartReplicaAsync() => WorkerProcess.StartAsync(_config, TestPaths.NewTempDir("sm-replica"));

    public async Task DispatchAsync()
    {
        using var r = await Worker.Admin.PostAsync("/api/probes/pulse/run", null);
        Assert.That((int)r.StatusCode, Is.EqualTo(202), await r.Content.ReadAsStringAsync());
    }

    public async Task<JsonElement> UserAsync(string id) => await Worker.Admin.GetFromJsonAsync<JsonElement>($"/api/users/{id}");

    public async Task<JsonElement[]> PulseAnswersAsync(string id) =>
        (await UserAsync(id)).GetProperty("signals").EnumerateArray().Where(s => s.GetProperty("kind").GetString() == "pulse_answer").ToArray();

    public async Task<string> StateAsync(string id) => (await UserAsync(id)).GetProperty("state").ToString();

    /// <summary>Polls the user until <paramref name="condition"/> holds.</summary>
    public async Task<JsonElement> WaitForUserAsync(string id, Func<JsonElement, bool> condition, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        JsonElement user;
        do
        {
            user = await UserAsync(id);
            if (condition(user)) return user;
            await Task.Delay(250);
        }
        while (DateTime.UtcNow < until);
        Assert.Fail($"user {id} did not reach the condition: {user}");
        return user;
    }

    public static string Recipient(MimeMessage m) => m.To.Mailboxes.Single().Address;

    /// <summary>Every link in the HTML part, in order.</summary>
    public static IReadOnlyList<string> Links(MimeMessage m) =>
        Href().Matches(m.HtmlBody ?? "").Select(x => System.Net.WebUtility.HtmlDecode(x.Groups[1].Value)).ToList();

    public static IReadOnlyList<string> AnswerLinks(MimeMessage m) =>
        Links(m).Where(l => l.Contains("/p/", StringComparison.Ordinal) && !l.Contains("/p/h/", StringComparison.Ordinal)).ToList();

    public static long ScannerHits(string metrics) =>
        metrics.Split('\n').Where(l => l.StartsWith("satisfaction_link_scanner_hits_total{", StringComparison.Ordinal))
            .Sum(l => (long)double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));

    public async ValueTask DisposeAsync() => await Worker.DisposeAsync();

    [GeneratedRegex("href=\"([^\"]+)\"")]
    private static partial Regex Href();
}
