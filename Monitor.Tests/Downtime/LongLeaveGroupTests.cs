using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Downtime;

/// <summary>
/// People on long leave are left out of the group figures while it lasts (docs/downtime.md): on the real worker with the
/// sample directory, Finance's three people in Paris go on a 60-day leave and Finance's published users drop to six; a
/// short downtime of the same people changes nothing. (They are taken from one site: people leaving one by one from
/// several sites would let a difference of the site figures tell their state, and the disclosure control holds such a
/// release back: docs/privacy.md.)
/// </summary>
[NonParallelizable]
public sealed partial class LongLeaveGroupTests
{
    [Test]
    public async Task Three_people_on_long_leave_leave_their_department_figures_and_a_short_downtime_does_not()
    {
        await using var worker = await WorkerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Metrics:RefreshInterval"] = "00:00:01",
            ["Metrics:GroupRefreshInterval"] = "00:00:01",
            ["Privacy:MinGroupSize"] = "2",
        });
        await worker.WaitForMetricsAsync(m => FinanceUsers(m) == 9, TimeSpan.FromSeconds(60));
        var finance = (await worker.Admin.GetFromJsonAsync<JsonElement>("/api/users?department=Finance"))
            .EnumerateArray().Where(u => u.GetProperty("site").GetString() == "Paris")
            .Select(u => u.GetProperty("id").GetString()!).ToArray();
        Assert.That(finance, Has.Length.EqualTo(3));
        var now = DateTimeOffset.UtcNow;

        // A two-day downtime of the same people is not long leave (Downtime:LongLeaveDays is 28): the figures stay.
        using var brief = await worker.Admin.PostAsJsonAsync("/api/downtimes",
            new { users = finance, until = now.AddDays(2), reason = "training", author = "it" });
        Assert.That(brief.StatusCode, Is.EqualTo(HttpStatusCode.Created), await brief.Content.ReadAsStringAsync());
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.That(FinanceUsers(await worker.MetricsAsync()), Is.EqualTo(9));

        using var leave = await worker.Admin.PostAsJsonAsync("/api/downtimes",
            new { users = finance, until = now.AddDays(60), reason = "parental leave", author = "it" });
        Assert.That(leave.StatusCode, Is.EqualTo(HttpStatusCode.Created), await leave.Content.ReadAsStringAsync());
        var metrics = await worker.WaitForMetricsAsync(m => FinanceUsers(m) == 6, TimeSpan.FromSeconds(30));
        Assert.That(metrics, Does.Contain($"satisfaction_user_in_downtime{{user=\"{finance[0]}\""), "still a user on the board");
    }

    /// <summary>Finance's published users, all states summed; -1 while it is not published.</summary>
    private static int FinanceUsers(string metrics)
    {
        var counts = FinanceLine().Matches(metrics).Select(m => int.Parse(m.Groups[1].Value)).ToList();
        return counts.Count == 0 ? -1 : counts.Sum();
    }

    [GeneratedRegex("""^satisfaction_group_users\{group_type="department",group="Finance",state="[a-z]+"\} (\d+)$""",
        RegexOptions.Multiline)]
    private static partial Regex FinanceLine();
}
