using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Monitor.Core.Pulses;
using Monitor.Core.Users;
using Monitor.Probes.Pulse;
using Monitor.Probes.Pulse.Channels;
using Monitor.Tests.Infrastructure;
using Monitor.Worker;

namespace Monitor.Tests.Pulse;

/// <summary>
/// A delivery channel of the test's own: one class, its options, one registration line. The real worker host runs
/// in-process (SQLite in a temp folder, free loopback ports) with that line added.
/// </summary>
public sealed class SecondChannelTests
{
    private const string SigningKey = "second-channel-signing-key-0123456789";

    private static List<string> Args(string dir, params string[] more) =>
    [
        $"--Storage:ConnectionString=Data Source={Path.Combine(dir, "monitor.db")}",
        $"--Endpoints:Public=http://127.0.0.1:{TestPaths.FreePort()}",
        $"--Endpoints:Internal=http://127.0.0.1:{TestPaths.FreePort()}",
        $"--Admin:ApiKey={WorkerProcess.ApiKey}",
        $"--Directory:CsvPath={TestPaths.Samples("users.csv")}",
        "--Directory:Interval=00:00:02",
        "--Metrics:RefreshInterval=00:00:01",
        $"--Pulse:SigningKeys:0={SigningKey}",
        "--Pulse:PublicBaseUrl=https://pulse.example.com",
        "--Pulse:Cron=0 0 0 1 1 ? 2099",
        "--Mail:Outbox:PollInterval=00:00:00.2",
        $"--Mail:PickupDirectory={Path.Combine(dir, "pickup")}",
        .. more,
    ];

    [Test]
    public async Task A_channel_registered_in_one_line_delivers_the_pulse_and_nothing_goes_to_the_pickup_folder()
    {
        var dir = TestPaths.NewTempDir("sm-channel");
        var app = Cli.BuildApp([.. Args(dir, "--Pulse:Channel=chat", "--Chat:Room=#it-pulse")], builder =>
        {
            builder.Services.AddPulseChannel<ChatChannel, ChatOptions>();
            InProcess(builder);
        });
        await using (app)
        {
            await app.StartAsync();
            using var admin = new HttpClient { BaseAddress = new Uri(app.Urls.Last()) };
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", WorkerProcess.ApiKey);
            JsonElement queued = default;
            for (var i = 0; i < 100 && queued.ValueKind == JsonValueKind.Undefined; i++)
            {
                using var r = await admin.PostAsync("/api/users/u003/pulse", null);
                if (r.StatusCode == HttpStatusCode.Accepted) queued = await r.Content.ReadFromJsonAsync<JsonElement>();
                else await Task.Delay(200); // the directory is still being imported
            }
            Assert.That(queued.ValueKind, Is.EqualTo(JsonValueKind.Object), "the pulse was never queued");

            var chat = app.Services.GetRequiredService<ChatChannel>();
            for (var i = 0; i < 100 && chat.Delivered.IsEmpty; i++) await Task.Delay(100);
            var delivered = chat.Delivered.Single();
            Assert.That(delivered.PulseId, Is.EqualTo(queued.GetProperty("pulseId").GetGuid()));
            Assert.That(delivered.Channel, Is.EqualTo("chat"));
            Assert.That(delivered.Recipient, Is.EqualTo("#it-pulse @u003"));
            Assert.That(delivered.Message.Split('\n').Count(l => l.StartsWith("https://pulse.example.com/p/", StringComparison.Ordinal)),
                Is.EqualTo(PulseAnswers.All.Count), "every answer's link, composed once by the probe");
            Assert.That(Directory.Exists(Path.Combine(dir, "pickup")) ? Directory.GetFiles(Path.Combine(dir, "pickup")) : [], Is.Empty,
                "no e-mail was written");
            await app.StopAsync();
        }
    }

    /// <summary>
    /// Not part of the channel: the shutdown watchdog kills its process when a stop does not finish in time, which
    /// for a host run in-process would be the test runner itself.
    /// </summary>
    private static void InProcess(WebApplicationBuilder builder)
    {
        foreach (var watchdog in builder.Services.Where(d => d.ImplementationType == typeof(ShutdownWatchdog)).ToList())
            builder.Services.Remove(watchdog);
    }

    [Test]
    public void A_pulse_channel_nobody_registered_stops_the_start_naming_the_key()
    {
        var args = Args(TestPaths.NewTempDir("sm-channel"), "--Pulse:Channel=fax");
        var e = Assert.Throws<OptionsValidationException>(() => Cli.BuildApp([.. args]));
        Assert.That(e!.Failures, Has.Some.EqualTo("Pulse:Channel 'fax' is not a registered channel (registered: email)."));
    }
}

/// <summary>The test's whole second channel: posts to a chat room (here: records what it would post).</summary>
public sealed class ChatChannel(IOptions<ChatOptions> options) : IPulseChannel
{
    public System.Collections.Concurrent.ConcurrentQueue<OutboxMessage> Delivered { get; } = new();

    public string Name => "chat";

    public bool CanReach(User user) => true;

    public OutboxPayload Render(ComposedPulse pulse) => new($"{options.Value.Room} @{pulse.User.Id}", string.Join('\n',
        [pulse.Greeting, .. pulse.Questions.SelectMany(q => q.Answers.Select(a => a.Url).Prepend(q.Text)), pulse.UnsubscribeUrl]));

    public Task DeliverAsync(IReadOnlyList<OutboxMessage> batch, ICollection<OutboxMessage> delivered, CancellationToken cancellationToken)
    {
        foreach (var m in batch)
        {
            Delivered.Enqueue(m);
            delivered.Add(m);
        }
        return Task.CompletedTask;
    }
}

public sealed class ChatOptions : IPulseChannelOptions
{
    public static string Section => "Chat";

    public string Room { get; set; } = "";

    public IEnumerable<string> Validate() =>
        Room.StartsWith('#') ? [] : [$"{Section}:{nameof(Room)} must be a room name starting with '#' (got '{Room}')."];
}
