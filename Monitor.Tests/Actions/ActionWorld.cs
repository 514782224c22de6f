using System.Net.Http.Json;
using System.Text.Json;
using MimeKit;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Actions;

/// <summary>
/// The real worker with a small directory (one person unsubscribed), pulses signed, mail written to a pickup folder,
/// and follow-ups due seconds after shipping.
/// </summary>
public sealed class ActionWorld : IAsyncDisposable
{
    public const string Password = "action-world-password-1";

    private ActionWorld(WorkerProcess worker, string pickup)
    {
        Worker = worker;
        Pickup = pickup;
    }

    public WorkerProcess Worker { get; }

    public string Pickup { get; }

    public static async Task<ActionWorld> StartAsync()
    {
        var dir = TestPaths.NewTempDir("sm-actions");
        var csv = Path.Combine(dir, "users.csv");
        var users = new[] { ("a1", "Ann Able", false), ("b1", "Bob Baker", false), ("c1", "Cy Opted", true), ("x1", "Xena X", false) };
        await File.WriteAllTextAsync(csv, "id,email,display_name,department,site,manager,rank,time_zone,locale,active,opted_out\n" +
            string.Concat(users.Select(u =>
                $"{u.Item1},{u.Item1}@example.com,{u.Item2},Finance,Paris,,individual_contributor,UTC,en-GB,true," +
                $"{(u.Item3 ? "true" : "false")}\n")));
        var pickup = Path.Combine(dir, "pickup");
        var publicPort = TestPaths.FreePort();
        var worker = await WorkerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Directory:CsvPath"] = csv,
            ["Pulse:SigningKeys:0"] = "action-world-signing-key-0123456789abcdef",
            ["Pulse:PublicBaseUrl"] = $"http://127.0.0.1:{publicPort}",
            ["Pulse:Cron"] = "0 0 0 1 1 ? 2099",
            ["Pulse:Scanner:MinimumAfterSend"] = "00:00:01",
            ["Mail:PickupDirectory"] = pickup,
            ["Mail:Outbox:PollInterval"] = "00:00:00.2",
            ["Actions:FollowUpAfter"] = "00:00:06",
            ["Actions:FollowUpInterval"] = "00:00:01",
            ["Console:LocalAccount:Password"] = Password,
        }, workDir: dir, publicPort: publicPort);
        return new ActionWorld(worker, pickup);
    }

    /// <summary>A signal with a comment, through the admin API; returns its key "user/kind/source".</summary>
    public async Task<string> SayAsync(string user, string comment, double score = -0.5)
    {
        var source = $"api:{Guid.NewGuid():N}";
        using var r = await Worker.Admin.PostAsJsonAsync($"/api/users/{user}/signals",
            new { kind = "touchpoint", score, comment, source });
        Assert.That((int)r.StatusCode, Is.EqualTo(201), await r.Content.ReadAsStringAsync());
        return $"{user}/touchpoint/{source}";
    }

    /// <summary>The messages in the pickup folder whose subject starts with <paramref name="subject"/>.</summary>
    public IReadOnlyList<MimeMessage> Mail(string subject) =>
        (Directory.Exists(Pickup) ? Directory.GetFiles(Pickup, "*.eml") : [])
        .Select(f => MimeMessage.Load(f)).Where(m => (m.Subject ?? "").StartsWith(subject, StringComparison.Ordinal)).ToList();

    /// <summary>Waits until <paramref name="count"/> messages with the subject are in the folder, and a moment more for strays.</summary>
    public async Task<IReadOnlyList<MimeMessage>> WaitForMailAsync(string subject, int count, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until && Mail(subject).Count < count) await Task.Delay(200);
        await Task.Delay(1500);
        return Mail(subject);
    }

    public async Task<JsonElement> ActionAsync(string id) => await Worker.Admin.GetFromJsonAsync<JsonElement>($"/api/actions/{id}");

    public ValueTask DisposeAsync() => Worker.DisposeAsync();
}
