using Monitor.Core.Privacy;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Monitor.Probes.Pulse;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Pulse;

/// <summary>The real worker sending pulses to a real SMTP server (smtp-sink), on both stores.</summary>
[TestFixture(Stores.Sqlite)]
[TestFixture(Stores.Postgres)]
public sealed class PulseDeliveryTests(string provider)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Test]
    public async Task A_dispatch_reaches_every_due_user_exactly_once_with_a_well_formed_message()
    {
        using var sink = await SmtpSink.StartAsync();
        await using var world = await PulseWorld.StartAsync(provider, sink);
        await world.DispatchAsync();
        var messages = await sink.WaitForAsync(PulseWorld.DueUsers.Length, Wait);
        Assert.That(messages.Select(PulseWorld.Recipient), Is.EquivalentTo(PulseWorld.DueUsers.Select(u => $"{u}@example.com")));

        foreach (var m in messages)
        {
            Assert.That(m.TextBody, Does.Contain(PulseTexts.Default.WhoSees(PulseLanguage.English, PrivacyMode.Identified))
                .And.Contain("To stop receiving these pulses"));
            Assert.That(m.HtmlBody, Does.Contain("Very unhappy").And.Contain("Very happy"));
            Assert.That(m.MessageId, Does.EndWith("@localhost"));
            Assert.That(m.Headers["List-Unsubscribe"], Does.Match($"^<{world.Worker.PublicUrl}u/[A-Za-z0-9_-]+>$"));
            Assert.That(m.Headers["List-Unsubscribe-Post"], Is.EqualTo("List-Unsubscribe=One-Click"));
            Assert.That(PulseWorld.AnswerLinks(m), Has.Count.EqualTo(5));
            Assert.That(PulseWorld.Links(m).Count(l => l.Contains("/p/h/", StringComparison.Ordinal)), Is.EqualTo(1), "one honeypot");
        }
        Assert.That(messages.Single(m => PulseWorld.Recipient(m) == "p4@example.com").HtmlBody, Does.Contain("Pat &lt;Four&gt;"));

        using var browserless = new HttpClient();
        foreach (var link in PulseWorld.Links(messages[0]))
        {
            using var r = await browserless.GetAsync(link);
            Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.OK), link);
        }

        await world.DispatchAsync();
        await Task.Delay(2000);
        Assert.That(sink.Count, Is.EqualTo(PulseWorld.DueUsers.Length), "the fatigue budget holds: no second pulse");
        var metrics = await world.Worker.WaitForMetricsAsync(t => t.Contains("satisfaction_outbox_backlog 0"), Wait);
        Assert.That(metrics, Does.Contain($"satisfaction_pulses_sent_total {PulseWorld.DueUsers.Length}"));
    }

    [Test]
    public async Task Two_connections_send_500_messages_over_two_sessions_at_once_each_exactly_once()
    {
        using var sink = await SmtpSink.StartAsync();
        // Claims of 25: the two send loops (Mail:Outbox:Connections) take turns at the outbox rather than one claiming it all.
        await using var world = await PulseWorld.StartAsync(provider, sink, extraUsers: 496, settings: new Dictionary<string, string>
        {
            ["Mail:Outbox:Connections"] = "2",
            ["Mail:Outbox:ClaimSize"] = "25",
            ["Mail:Outbox:BatchSize"] = "25",
        });
        await world.DispatchAsync();
        var sessions = 0;
        var until = DateTime.UtcNow + Wait;
        while (sink.Count < 500 && DateTime.UtcNow < until)
        {
            sessions = Math.Max(sessions, sink.OpenSessions());
            await Task.Delay(10);
        }
        var messages = await sink.WaitForAsync(500, Wait);
        // Both sessions stay open after their batches (SmtpConnection.IdleLimit), so a sample after the last message counts too.
        sessions = Math.Max(sessions, sink.OpenSessions());
        await world.Worker.WaitForMetricsAsync(t => t.Contains("satisfaction_outbox_backlog 0"), Wait);
        await Task.Delay(1000);
        Assert.That(sessions, Is.EqualTo(2), "two SMTP sessions open at once, no more");
        var recipients = sink.CompleteMessages().Select(PulseWorld.Recipient).ToList();
        Assert.That(recipients, Is.Unique, "no message sent twice");
        Assert.That(recipients, Has.Count.EqualTo(500), "none missing");
        Assert.That(messages, Has.Count.EqualTo(500));
        Assert.That(await world.Worker.MetricsAsync(), Does.Contain("satisfaction_pulses_sent_total 500"));
    }

    [Test]
    public async Task When_the_mail_server_is_down_nothing_is_lost_and_everything_is_sent_once_it_is_back()
    {
        var port = TestPaths.FreePort();
        await using var world = await PulseWorld.StartAsync(provider, smtpPort: port);
        await world.DispatchAsync();
        await world.Worker.WaitForMetricsAsync(t => t.Contains($"satisfaction_outbox_backlog {PulseWorld.DueUsers.Length}"), Wait);
        await Task.Delay(2000);
        Assert.That(await world.Worker.MetricsAsync(), Does.Contain($"satisfaction_outbox_backlog {PulseWorld.DueUsers.Length}"));

        using var sink = await SmtpSink.StartAsync(port);
        var messages = await sink.WaitForAsync(PulseWorld.DueUsers.Length, Wait);
        await world.Worker.WaitForMetricsAsync(t => t.Contains("satisfaction_outbox_backlog 0"), Wait);
        Assert.That(sink.Count, Is.EqualTo(PulseWorld.DueUsers.Length));
        Assert.That(messages.Select(PulseWorld.Recipient), Is.Unique);
    }

    [Test]
    public async Task One_click_unsubscribe_needs_no_cookie_and_the_admin_api_can_resubscribe()
    {
        using var sink = await SmtpSink.StartAsync();
        await using var world = await PulseWorld.StartAsync(provider, sink);
        await world.DispatchAsync();
        var message = (await sink.WaitForAsync(PulseWorld.DueUsers.Length, Wait)).Single(m => PulseWorld.Recipient(m) == "p1@example.com");
        var unsubscribe = message.Headers["List-Unsubscribe"]!.Trim('<', '>');

        using var http = new HttpClient(new HttpClientHandler { UseCookies = false });
        using (var page = await http.GetAsync(unsubscribe))
        {
            Assert.That(await page.Content.ReadAsStringAsync(), Does.Contain("<form method=\"post\""));
        }
        Assert.That((await world.UserAsync("p1")).GetProperty("user").GetProperty("optedOut").GetBoolean(), Is.False, "a GET unsubscribes nobody");

        using (var oneClick = await http.PostAsync(unsubscribe, new StringContent("List-Unsubscribe=One-Click", System.Text.Encoding.ASCII, "application/x-www-form-urlencoded")))
        {
            Assert.That(oneClick.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        Assert.That((await world.UserAsync("p1")).GetProperty("user").GetProperty("optedOut").GetBoolean(), Is.True);
        using (var refused = await world.Worker.Admin.PostAsync("/api/users/p1/pulse", null))
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        }

        using (var resubscribe = await world.Worker.Admin.PostAsync("/api/users/p1/pulse-subscription", null))
        {
            Assert.That(resubscribe.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }
        Assert.That((await world.UserAsync("p1")).GetProperty("user").GetProperty("optedOut").GetBoolean(), Is.False);
        using (var now = await world.Worker.Admin.PostAsync("/api/users/p1/pulse", null))
        {
            Assert.That(now.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await now.Content.ReadAsStringAsync());
        }
        await sink.WaitForAsync(PulseWorld.DueUsers.Length + 1, Wait);
    }

    [Test]
    public async Task Forged_altered_expired_and_unknown_links_get_a_friendly_page_and_record_nothing()
    {
        using var sink = await SmtpSink.StartAsync();
        await using var world = await PulseWorld.StartAsync(provider, sink);
        await world.DispatchAsync();
        var message = (await sink.WaitForAsync(PulseWorld.DueUsers.Length, Wait)).Single(m => PulseWorld.Recipient(m) == "p1@example.com");
        var link = PulseWorld.AnswerLinks(message)[0];
        var codec = new PulseTokenCodec([PulseWorld.SigningKey]);
        Assert.That(codec.Verify(link[(link.LastIndexOf('/') + 1)..], DateTimeOffset.UtcNow, out var claims), Is.EqualTo(TokenVerdict.Valid));
        var baseUrl = $"{world.Worker.PublicUrl}p/";
        var cases = new (string Name, string Url, HttpStatusCode Status)[]
        {
            ("forged", baseUrl + new PulseTokenCodec(["somebody-elses-key-0123456789abcdef"]).Sign(claims!), HttpStatusCode.NotFound),
            ("altered", link[..^3] + (link[^3] == 'A' ? "B" : "A") + link[^2..], HttpStatusCode.NotFound),
            ("another user's pulse", baseUrl + codec.Sign(claims! with { UserId = "p2" }), HttpStatusCode.NotFound),
            ("unknown pulse", baseUrl + codec.Sign(claims! with { PulseId = Guid.NewGuid() }), HttpStatusCode.NotFound),
            ("expired", baseUrl + codec.Sign(claims! with { ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) }), HttpStatusCode.Gone),
            ("garbage", baseUrl + "%3Cscript%3E", HttpStatusCode.NotFound),
        };
        await Task.Delay(3500);
        using var http = new HttpClient();
        foreach (var (name, url, status) in cases)
        {
            using var get = await http.GetAsync(url);
            Assert.That(get.StatusCode, Is.EqualTo(status), name);
            Assert.That(get.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/html"), name);
            Assert.That(await get.Content.ReadAsStringAsync(), Does.Contain("nothing was recorded"), name);
            using var post = await http.PostAsync(url, new FormUrlEncodedContent([new("auto", "0"), new("wd", "0")]));
            Assert.That(post.StatusCode, Is.EqualTo(status), name);
        }
        foreach (var user in new[] { "p1", "p2" }) Assert.That(await world.PulseAnswersAsync(user), Is.Empty, user);
    }
}
