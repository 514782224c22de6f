using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Monitor.Core.Ports;
using Monitor.Probes.Tickets;
using Monitor.Probes.Tickets.Sentiment;
using Monitor.Probes.Tickets.Webhooks;
using NUnit.Framework;

namespace Monitor.Tests.Tickets;

/// <summary>
/// Pushed events whose payload leaves the requester out: Jira's comment webhooks (the issue without its reporter,
/// looked up once and cached) and Zendesk's event webhooks (user ids only), answered by a fake of each API.
/// </summary>
[NonParallelizable]
public sealed class TicketWebhookEventTests
{
    private const string Secret = "a-shared-secret-of-some-length";
    private FakeTicketServer _server = null!;
    private ServiceProvider _provider = null!;
    private InMemorySignalSink _sink = null!;
    private TicketWebhookHandler _handler = null!;

    [SetUp]
    public async Task Build()
    {
        _server = await FakeTicketServer.StartAsync();
        _sink = new InMemorySignalSink();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<ISignalSink>(_sink);
        services.AddSingleton<IUserLookup>(new InMemoryUserLookup("ann@example.com"));
        services.AddSingleton<IWatermarkStore>(new InMemoryWatermarkStore());
        services.AddSingleton<ISentimentAnalyser, TestSentimentAnalyser>();
        var settings = new Dictionary<string, string?> { ["Tickets:Webhook:Secret"] = Secret };
        foreach (var (section, extra) in new[] { ("Jira", ("Deployment", "Cloud")), ("Zendesk", ("ApiToken", "t")) })
        {
            settings[$"Tickets:{section}:Enabled"] = "true";
            settings[$"Tickets:{section}:BaseUrl"] = _server.BaseUrl;
            settings[$"Tickets:{section}:Email"] = "svc@example.com";
            settings[$"Tickets:{section}:ApiToken"] = "token";
            settings[$"Tickets:{section}:MaxRetryAttempts"] = "0";
            settings[$"Tickets:{section}:{extra.Item1}"] = extra.Item2;
        }
        services.AddTicketProbes(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        _provider = services.BuildServiceProvider();
        _handler = _provider.GetRequiredService<TicketWebhookHandler>();
    }

    [TearDown]
    public async Task Dispose()
    {
        await _provider.DisposeAsync();
        await _server.DisposeAsync();
    }

    // The shape of Jira's comment_created webhook (developer.atlassian.com/cloud/jira/platform/webhooks, "Example
    // callback for an issue-related event" and the comment events): the issue's fields without a reporter.
    private static string JiraComment(string id, string author) => $$"""
        {"timestamp":1767607200000,"webhookEvent":"comment_created",
         "comment":{"id":"{{id}}","author":{"accountId":"{{author}}","emailAddress":"{{author}}@example.com"},
                    "body":{"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"this is terrible"}]}]},
                    "created":"2026-01-05T09:00:00.000+0000","jsdPublic":true},
         "issue":{"id":"10001","self":"https://your-domain.atlassian.net/rest/api/2/10001","key":"SUP-1",
                  "fields":{"summary":"Laptop dead","status":{"name":"Open"} } } }
        """;

    [Test]
    public async Task A_Jira_comment_without_the_reporter_is_attributed_after_one_cached_lookup()
    {
        _server.On("/rest/api/3/issue/SUP-1", Reply.Json("""
            {"id":"10001","key":"SUP-1","fields":{"reporter":{"accountId":"acc-ann","emailAddress":"ann@example.com"}}}
            """));

        var requester = await Post("jira", JiraComment("20001", "acc-ann"));
        var agent = await Post("jira", JiraComment("20002", "acc-agent"));

        Assert.That(requester, Is.EqualTo(new WebhookOutcome(200, "1 signals stored, 0 duplicates")));
        Assert.That(agent, Is.EqualTo(new WebhookOutcome(202, "ignored: nothing to record")));
        Assert.That(_sink.Signals.Select(s => (s.UserId, s.Source)), Is.EqualTo(new[] { ("u-ann", "jira:SUP-1:comment:20001") }));
        Assert.That(_server.Count("/rest/api/3/issue/SUP-1"), Is.EqualTo(1), "the second event is answered from the cache");
        Assert.That(_server.Requests.Single().PathAndQuery, Is.EqualTo("/rest/api/3/issue/SUP-1?fields=reporter"));
    }

    [Test]
    public async Task When_Jira_cannot_be_asked_the_sender_is_told_to_retry()
    {
        _server.On("/rest/api/3/issue/SUP-1", new Reply(500, """{"errorMessages":["Internal server error"]}"""));

        var outcome = await Post("jira", JiraComment("20001", "acc-ann"));

        Assert.That(outcome, Is.EqualTo(new WebhookOutcome(503, "could not ask jira for the requester; retry later")));
        Assert.That(_sink.Signals, Is.Empty);
    }

    // The shape of Zendesk's "Comment created" and "Status changed" ticket events
    // (developer.zendesk.com/api-reference/webhooks/event-types/ticket-events): ids as strings, upper-case statuses.
    private static string ZendeskEvent(string type, string change) => $$"""
        {"account_id":22129848,"id":"cbe4028c-7239-495d-b020-f22348516046","time":"2026-01-05T10:00:00.672717030Z",
         "type":"zen:event-type:{{type}}","zendesk_event_version":"2022-11-06","subject":"zen:ticket:35436",
         "detail":{"actor_id":"20978392","assignee_id":"777","brand_id":"360004130134","created_at":"2026-01-02T09:00:00Z",
                   "description":"My laptop is dead","external_id":null,"form_id":"360000300094","group_id":"360005022014",
                   "id":"35436","is_public":true,"organization_id":null,"priority":"NORMAL","requester_id":"20978392",
                   "status":"OPEN","subject":"Laptop dead","submitter_id":"20978392","tags":[],"type":"INCIDENT",
                   "updated_at":"2026-01-05T10:00:00Z","via":{"channel":"web_service"} },
         "event":{{change}} }
        """;

    private static string ZendeskComment(string author, bool isPublic) => ZendeskEvent("ticket.comment_added", $$"""
        {"comment":{"author":{"id":"{{author}}","is_staff":{{(author == "777" ? "true" : "false")}},"name":"Ann"},
                    "body":"this is terrible","id":"10001","is_public":{{(isPublic ? "true" : "false")}} } }
        """);

    [Test]
    public async Task Zendesk_event_webhooks_are_accepted_and_only_the_requesters_public_comments_count()
    {
        _server.On("/api/v2/users/20978392.json", Reply.Json("""{"user":{"id":20978392,"email":"ann@example.com","role":"end-user"}}"""));

        var requester = await Post("zendesk", ZendeskComment("20978392", isPublic: true));
        var agent = await Post("zendesk", ZendeskComment("777", isPublic: true));
        var note = await Post("zendesk", ZendeskComment("20978392", isPublic: false));

        Assert.That(requester, Is.EqualTo(new WebhookOutcome(200, "1 signals stored, 0 duplicates")));
        Assert.That(agent.StatusCode, Is.EqualTo(202));
        Assert.That(note.StatusCode, Is.EqualTo(202));
        Assert.That(_sink.Signals.Single().Source, Is.EqualTo("zendesk:35436:comment:10001"), "the pulled comment's source");
        Assert.That(_server.Count("/api/v2/users/20978392.json"), Is.EqualTo(1));
    }

    [Test]
    public async Task A_Zendesk_status_change_out_of_solved_is_a_reopen_keyed_like_the_pulled_audit()
    {
        _server.On("/api/v2/users/20978392.json", Reply.Json("""{"user":{"id":20978392,"email":"ann@example.com"}}"""));

        var reopened = await Post("zendesk", ZendeskEvent("ticket.status_changed", """{"current":"OPEN","previous":"SOLVED"}"""));
        var pending = await Post("zendesk", ZendeskEvent("ticket.status_changed", """{"current":"PENDING","previous":"OPEN"}"""));
        var other = await Post("zendesk", ZendeskEvent("ticket.priority_changed", """{"current":"HIGH","previous":"NORMAL"}"""));

        Assert.That(reopened.StatusCode, Is.EqualTo(200), reopened.Message);
        Assert.That((pending.StatusCode, other.StatusCode), Is.EqualTo((202, 202)));
        var at = new DateTimeOffset(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);
        Assert.That(_sink.Signals.Single().Source,
            Is.EqualTo($"zendesk:35436:reopened:{at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}"));
    }

    [Test]
    public async Task A_Zendesk_event_on_another_systems_route_or_without_its_ticket_is_refused()
    {
        var wrongRoute = await Post("jira", ZendeskComment("20978392", isPublic: true));
        var noDetail = await Post("zendesk", """{"type":"zen:event-type:ticket.comment_added","time":"2026-01-05T10:00:00Z","event":{}}""");

        Assert.That(wrongRoute.StatusCode, Is.EqualTo(400));
        Assert.That(noDetail, Is.EqualTo(new WebhookOutcome(400, "malformed payload: missing field 'detail'")));
    }

    private Task<WebhookOutcome> Post(string system, string body)
    {
        var signature = "sha256="
            + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(body)));
        return _handler.HandleAsync(system, new HeaderDictionary { ["X-Signature-256"] = signature }, Encoding.UTF8.GetBytes(body),
            CancellationToken.None);
    }
}
