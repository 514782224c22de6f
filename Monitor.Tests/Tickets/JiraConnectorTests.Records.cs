using Monitor.Core.Signals;
using NUnit.Framework;

namespace Monitor.Tests.Tickets;

/// <summary>Jira Cloud: the search request, dates taken from the changelog, and one malformed record rejected alone.</summary>
public sealed partial class JiraConnectorTests
{
    [Test]
    public async Task Cloud_search_asks_the_enhanced_endpoint_for_its_fields_and_follows_the_token_without_a_total()
    {
        using var harness = Harness();

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        var searches = _server.Requests.Select(r => r.PathAndQuery).Where(p => p.StartsWith("/rest/api/3/search", StringComparison.Ordinal)).ToList();
        Assert.That(searches, Has.Count.EqualTo(2));
        Assert.That(searches, Has.All.StartsWith("/rest/api/3/search/jql?").And.All.Contain("&fields=reporter,updated,status&expand=changelog")
            .And.None.Contain("startAt"));
        Assert.That(searches[0], Does.Not.Contain("nextPageToken"));
        Assert.That(searches[1], Does.EndWith("&nextPageToken=tok-2"));
    }

    [Test]
    public async Task The_rating_is_dated_when_given_and_the_reopen_when_it_happened()
    {
        using var harness = Harness();

        await harness.RunAsync();

        var byKind = harness.Sink.Signals.ToDictionary(s => s.Kind, s => s.ObservedAt);
        // The Satisfaction field's changelog entry, not the last update (2026-01-05 10:00).
        Assert.That(byKind[SignalKinds.TicketCsat], Is.EqualTo(new DateTimeOffset(2026, 1, 4, 8, 0, 0, TimeSpan.Zero)));
        Assert.That(byKind[SignalKinds.TicketReopened], Is.EqualTo(new DateTimeOffset(2026, 1, 4, 9, 0, 0, TimeSpan.Zero)));
    }

    [Test]
    public async Task A_comment_with_a_placeholder_time_is_rejected_alone_and_the_ticket_still_counts()
    {
        _server.On("/rest/api/3/issue/SUP-1/comment", Reply.Json(Sup1Comments.Replace(
            "\"created\":\"2026-01-05T09:10:00.000+0000\"", "\"created\":\"0000-00-00 00:00:00\"")));
        using var harness = Harness();
        var before = TicketHarness.Rejected(Probe);

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(result.Message, Does.Contain("2 tickets").And.Contain("1 rejected"));
        Assert.That(TicketHarness.Rejected(Probe) - before, Is.EqualTo(1));
        Assert.That(harness.Sink.Signals.Select(s => s.Source), Is.EquivalentTo(new[]
        {
            "jira:SUP-1:comment:10001", "jira:SUP-1:csat:1", "jira:SUP-1:reopened:h1", "jira:SUP-1:sla_breached",
        }));
        Assert.That(harness.Watermarks.Values[Probe], Is.EqualTo("2026-01-05T11:00:00.0000000+00:00"));
    }

    [TestCase("/rest/servicedeskapi/request/SUP-1/feedback", """{"type":"csat","rating":"five stars"}""", "jira:SUP-1:csat:1")]
    [TestCase("/rest/servicedeskapi/request/SUP-1/sla", """
        {"values":[{"id":"1","completedCycles":[{"breached":true,"breachTime":{"iso8601":"soon"}}]}]}
        """, "jira:SUP-1:sla_breached")]
    public async Task A_malformed_rating_or_SLA_is_rejected_alone(string path, string body, string lost)
    {
        _server.On(path, Reply.Json(body));
        using var harness = Harness();
        var before = TicketHarness.Rejected(Probe);

        var result = await harness.RunAsync();

        Assert.That(result.Success, Is.True, result.Message);
        Assert.That(result.Message, Does.Contain("1 rejected"));
        Assert.That(TicketHarness.Rejected(Probe) - before, Is.EqualTo(1));
        var expected = new[] { "jira:SUP-1:comment:10001", "jira:SUP-1:csat:1", "jira:SUP-1:reopened:h1", "jira:SUP-1:sla_breached" };
        Assert.That(harness.Sink.Signals.Select(s => s.Source), Is.EquivalentTo(expected.Where(s => s != lost)));
    }
}
