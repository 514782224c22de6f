using System.Net;
using System.Net.Http.Json;
using Monitor.Tests.Console;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Privacy;

/// <summary>
/// The console's group comments page against the real host: a site where ten people wrote shows their words without
/// names; a site where nine did says why it shows none; bad or unknown groups are refused; sign-in comes first.
/// </summary>
[NonParallelizable]
public sealed class GroupCommentsConsoleTests
{
    [Test]
    public async Task Comments_appear_by_group_only_from_the_comment_threshold_and_the_page_says_why_otherwise()
    {
        // The sample directory: 14 people in Paris, 12 in London (default Privacy:MinCommentGroupSize, 10).
        var people = File.ReadAllLines(TestPaths.Samples("users.csv")).Skip(1).Select(l => l.Split(','))
            .Select(f => (Id: f[0], Name: f[2], Site: f[4])).ToList();
        var paris = people.Where(p => p.Site == "Paris").Take(10).ToList();
        var london = people.Where(p => p.Site == "London").Take(9).ToList();
        await using var host = await PeopleConsoleHost.StartAsync();
        foreach (var p in paris.Concat(london)) await SayAsync(host, p.Id, $"<i>printer</i> of {p.Id}");

        using var client = new ConsoleClient(host.InternalUrl);
        var (anonymous, _, redirect) = await client.GetAsync("/console/comments");
        Assert.That(anonymous, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(redirect.Headers.Location?.OriginalString, Does.Contain("/console/sign-in"));
        Assert.That(await client.SignInAsync("admin", PeopleConsoleHost.Password), Is.True);

        var (status, summary, _) = await client.GetAsync("/console/comments");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(summary, Does.Contain("href=\"/console/comments?site=Paris\">Paris</a></td><td>10</td>"));
        Assert.That(summary, Does.Contain("<td>London</td><td>fewer than 10: hidden</td>"), "no link, not even the count");

        var (_, shown, _) = await client.GetAsync("/console/comments?site=Paris");
        Assert.That(shown, Does.Contain("&lt;i&gt;printer&lt;/i&gt; of " + paris[0].Id).And.Not.Contain("<i>printer"));
        Assert.That(ConsoleClient.Text(shown), Does.Contain("10 people wrote"));
        foreach (var p in paris) Assert.That(ConsoleClient.Text(shown), Does.Not.Contain(p.Name), "no names in a group view");

        var (hiddenStatus, hidden, _) = await client.GetAsync("/console/comments?site=London");
        Assert.That(hiddenStatus, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(ConsoleClient.Text(hidden), Does.Contain("Hidden: fewer than 10 people of this site wrote")
            .And.Contain("Privacy:MinCommentGroupSize").And.Not.Contain("printer"));

        var (both, _, _) = await client.GetAsync("/console/comments?site=Paris&department=HR");
        Assert.That(both, Is.EqualTo(HttpStatusCode.BadRequest));
        var (unknown, unknownHtml, _) = await client.GetAsync("/console/comments?site=%3Cscript%3EAtlantis");
        Assert.That(unknown, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(unknownHtml, Does.Contain("&lt;script&gt;Atlantis").And.Not.Contain("<script>Atlantis"));
        Assert.That(await host.MetricsAsync(), Does.Contain("satisfaction_group_comments_rejected_total{reason=\"unknown_group\"} 1"));
    }

    private static async Task SayAsync(PeopleConsoleHost host, string user, string comment)
    {
        for (var i = 0; ; i++)
        {
            using var r = await host.Admin.PostAsJsonAsync($"/api/users/{user}/signals", new { kind = "touchpoint", score = -0.2, comment });
            if (r.IsSuccessStatusCode) return;
            Assert.That(i, Is.LessThan(150), $"the signal was refused: {r.StatusCode}");
            await Task.Delay(200);
        }
    }
}
