using System.Net;
using System.Net.Http.Json;

namespace Monitor.Tests.Console;

/// <summary>
/// An acknowledgement that expires while the user is still red, through the real host: the console says whose it was and
/// when it lapsed (encoded as typed), /metrics exports the lapse for the AcknowledgementLapsed alert and counts it, and a new
/// acknowledgement ends the notice.
/// </summary>
[TestFixture]
public sealed class AcknowledgementLapseConsoleTests
{
    private const string Red = "u010";

    [Test]
    public async Task A_lapsed_acknowledgement_is_shown_exported_and_counted_until_on_call_acknowledges_again()
    {
        await using var host = await PeopleConsoleHost.StartAsync();
        await host.MakeDownAsync(Red, "slow laptop");
        var expiry = DateTimeOffset.UtcNow.AddSeconds(2);
        using (var ack = await host.Admin.PostAsJsonAsync($"/api/users/{Red}/acknowledgement",
                   new { by = "<b>Dana</b>", comment = "calling at 10", expiresAt = expiry }))
            Assert.That(ack.StatusCode, Is.EqualTo(HttpStatusCode.Created), await ack.Content.ReadAsStringAsync());

        var lapsedSeries = $"satisfaction_user_acknowledgement_lapsed_timestamp_seconds{{user=\"{Red}\"";
        var metrics = await WaitForMetricsAsync(host, m => m.Contains(lapsedSeries, StringComparison.Ordinal));
        Assert.That(metrics, Does.Contain("satisfaction_acknowledgements_lapsed 1"));
        Assert.That(metrics, Does.Not.Contain($"satisfaction_user_acknowledged{{user=\"{Red}\""),
            "a lapsed acknowledgement does not silence");
        Assert.That(metrics, Does.Contain($"satisfaction_user_down_since_timestamp_seconds{{user=\"{Red}\""));
        Assert.That(metrics, Does.Not.Contain("Dana"), "who acknowledged is typed by a person: never a label");

        using var client = new ConsoleClient(host.InternalUrl);
        Assert.That(await client.SignInAsync("admin", PeopleConsoleHost.Password), Is.True);
        var (status, html, _) = await client.GetAsync($"/console/users/{Red}");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(html, Does.Contain("id=\"acknowledgement-lapsed\"")
            .And.Contain("&lt;b&gt;Dana&lt;/b&gt;").And.Not.Contain("<b>Dana</b>"));
        Assert.That(ConsoleClient.Text(html),
            Does.Contain($"lapsed at {expiry.UtcDateTime:yyyy-MM-dd HH:mm} UTC while the user is still down")
            .And.Contain("Not acknowledged."));

        // On-call acknowledges again from the console: the notice and its series end.
        var (renewed, _, _) = await client.PostAsync($"/console/users/{Red}/acknowledgement",
            new Dictionary<string, string> { ["comment"] = "on it", ["expiry"] = "4h" });
        Assert.That(renewed, Is.LessThan(HttpStatusCode.BadRequest));
        var (_, after, _) = await client.GetAsync($"/console/users/{Red}");
        Assert.That(after, Does.Not.Contain("acknowledgement-lapsed"));
        metrics = await WaitForMetricsAsync(host, m => m.Contains("satisfaction_acknowledgements_lapsed 0", StringComparison.Ordinal));
        Assert.That(metrics, Does.Not.Contain(lapsedSeries));
    }

    private static async Task<string> WaitForMetricsAsync(PeopleConsoleHost host, Func<string, bool> condition)
    {
        var text = "";
        for (var i = 0; i < 100; i++)
        {
            text = await host.MetricsAsync();
            if (condition(text)) return text;
            await Task.Delay(200);
        }
        Assert.Fail("the metrics never matched:\n" + text);
        return text;
    }
}
