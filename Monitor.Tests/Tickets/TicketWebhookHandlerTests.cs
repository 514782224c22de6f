using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Monitor.Core.Ports;
using Monitor.Core.Signals;
using Monitor.Probes.Tickets;
using Monitor.Probes.Tickets.Sentiment;
using Monitor.Probes.Tickets.Webhooks;
using NUnit.Framework;

namespace Monitor.Tests.Tickets;

[NonParallelizable]
public sealed class TicketWebhookHandlerTests
{
    private const string Secret = "a-shared-secret-of-some-length";
    private const string Token = "a-bearer-token-for-zendesk";
    private const string ZendeskSigningSecret = "dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==";
    private ServiceProvider _provider = null!;
    private InMemorySignalSink _sink = null!;
    private TicketWebhookHandler _handler = null!;

    [SetUp]
    public void Build()
    {
        _sink = new InMemorySignalSink();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<ISignalSink>(_sink);
        services.AddSingleton<IUserLookup>(new InMemoryUserLookup("ann@example.com"));
        services.AddSingleton<IWatermarkStore>(new InMemoryWatermarkStore());
        services.AddSingleton<ISentimentAnalyser, TestSentimentAnalyser>();
        services.AddTicketProbes(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tickets:Webhook:Secret"] = Secret,
            ["Tickets:Webhook:BearerToken"] = Token,
            ["Tickets:Webhook:ZendeskSigningSecret"] = ZendeskSigningSecret,
        }).Build());
        _provider = services.BuildServiceProvider();
        _handler = _provider.GetRequiredService<TicketWebhookHandler>();
    }

    [TearDown]
    public void Dispose() => _provider.Dispose();

    private const string GenericComment = """
        {"system":"zendesk","ticket_id":"123","requester_email":"ann@example.com","event":"comment",
         "occurred_at":"2026-01-05T10:00:00Z",
         "comment":{"id":"456","body":"This is terrible","public":true,"author_email":"ann@example.com"}}
        """;

    [Test]
    public async Task A_comment_dated_far_in_the_future_is_dropped_and_counted_and_one_a_few_hours_ahead_is_kept()
    {
        var before = TicketHarness.Rejected("tickets_zendesk");
        var far = GenericComment.Replace("2026-01-05T10:00:00Z", "2100-01-01T00:00:00Z", StringComparison.Ordinal);
        var soon = GenericComment.Replace("2026-01-05T10:00:00Z", DateTimeOffset.UtcNow.AddHours(10).ToString("O"), StringComparison.Ordinal)
            .Replace("\"456\"", "\"457\"", StringComparison.Ordinal);

        Assert.That(await Post("zendesk", far, Signed(far)), Is.EqualTo(new WebhookOutcome(202, "ignored: nothing to record")));
        Assert.That(TicketHarness.Rejected("tickets_zendesk") - before, Is.EqualTo(1));
        Assert.That(await Post("zendesk", soon, Signed(soon)), Is.EqualTo(new WebhookOutcome(200, "1 signals stored, 0 duplicates")));
        Assert.That(_sink.Signals.Single().Source, Does.EndWith(":comment:457"));
    }

    [Test]
    public async Task A_correctly_signed_comment_is_recorded_once()
    {
        var first = await Post("zendesk", GenericComment, Signed(GenericComment));
        var again = await Post("zendesk", GenericComment, Signed(GenericComment));

        Assert.That(first, Is.EqualTo(new WebhookOutcome(200, "1 signals stored, 0 duplicates")));
        Assert.That(again, Is.EqualTo(new WebhookOutcome(200, "0 signals stored, 1 duplicates")));
        var signal = _sink.Signals.Single();
        Assert.That((signal.UserId, signal.Kind, signal.Source, signal.Score),
            Is.EqualTo(("u-ann", SignalKinds.TicketSentiment, "zendesk:123:comment:456", -0.8)));
    }

    [Test]
    public async Task A_bad_or_missing_signature_is_rejected()
    {
        var tampered = GenericComment.Replace("terrible", "great", StringComparison.Ordinal);

        Assert.That((await Post("zendesk", tampered, Signed(GenericComment))).StatusCode, Is.EqualTo(401));
        Assert.That((await Post("zendesk", GenericComment, new HeaderDictionary())).StatusCode, Is.EqualTo(401));
        Assert.That((await Post("zendesk", GenericComment, Headers("X-Signature-256", "sha256=zz"))).StatusCode, Is.EqualTo(401));
        Assert.That(_sink.Signals, Is.Empty);
    }

    [Test]
    public async Task A_bearer_token_is_accepted_instead_of_a_signature()
    {
        var outcome = await Post("zendesk", GenericComment, Headers("Authorization", "Bearer " + Token));

        Assert.That(outcome.StatusCode, Is.EqualTo(200));
        Assert.That((await Post("zendesk", GenericComment, Headers("Authorization", "Bearer wrong-token-wrong"))).StatusCode, Is.EqualTo(401));
    }

    [Test]
    public async Task Zendesks_own_signature_of_timestamp_and_body_is_accepted_on_its_routes_only()
    {
        // developer.zendesk.com "Verifying webhook authenticity": every request carries X-Zendesk-Webhook-Signature and
        // X-Zendesk-Webhook-Signature-Timestamp, the signature being base64(HMACSHA256(TIMESTAMP + BODY)) with the webhook's
        // signing secret. The trigger's generic body, signed so.
        const string timestamp = "2026-01-05T10:00:05Z";
        HeaderDictionary ZendeskSigned(string body, string at) => new()
        {
            ["X-Zendesk-Webhook-Signature"] = Convert.ToBase64String(HMACSHA256.HashData(
                Encoding.UTF8.GetBytes(ZendeskSigningSecret), Encoding.UTF8.GetBytes(at + body))),
            ["X-Zendesk-Webhook-Signature-Timestamp"] = at,
            ["X-Zendesk-Webhook-Id"] = "01F8A5AF2BWBC2RGG5N0JMZZ4J",
        };
        var tampered = GenericComment.Replace("terrible", "great", StringComparison.Ordinal);

        Assert.That(await Post("zendesk", GenericComment, ZendeskSigned(GenericComment, timestamp)),
            Is.EqualTo(new WebhookOutcome(200, "1 signals stored, 0 duplicates")));
        Assert.That((await Post("zendesk", tampered, ZendeskSigned(GenericComment, timestamp))).StatusCode, Is.EqualTo(401));
        var otherTime = ZendeskSigned(GenericComment, timestamp);
        otherTime["X-Zendesk-Webhook-Signature-Timestamp"] = "2026-01-05T10:00:06Z";
        Assert.That((await Post("zendesk", GenericComment, otherTime)).StatusCode, Is.EqualTo(401), "the timestamp is signed too");
        Assert.That((await Post("jira", GenericComment, ZendeskSigned(GenericComment, timestamp))).StatusCode, Is.EqualTo(401),
            "Zendesk's secret opens Zendesk's routes only");
        Assert.That(_sink.Signals.Single().Source, Is.EqualTo("zendesk:123:comment:456"));
    }

    [Test]
    public async Task A_malformed_payload_is_refused_and_counted()
    {
        var before = TicketHarness.Rejected("tickets_zendesk");
        const string truncated = """{"system":"zendesk","ticket_id":"123","requ""";
        const string missing = """{"ticket_id":"123","event":"comment","occurred_at":"2026-01-05T10:00:00Z"}""";

        var broken = await Post("zendesk", truncated, Signed(truncated));
        var incomplete = await Post("zendesk", missing, Signed(missing));

        Assert.That(broken.StatusCode, Is.EqualTo(400));
        Assert.That(incomplete, Is.EqualTo(new WebhookOutcome(400, "malformed payload: missing field 'requester_email'")));
        Assert.That(TicketHarness.Rejected("tickets_zendesk") - before, Is.EqualTo(2));
    }

    [Test]
    public async Task Unknown_requesters_and_agents_comments_are_accepted_but_ignored()
    {
        var stranger = GenericComment.Replace("ann@example.com", "someone@elsewhere.example", StringComparison.Ordinal);
        var agent = GenericComment.Replace("\"author_email\":\"ann@example.com\"", "\"author_email\":\"agent@example.com\"", StringComparison.Ordinal);

        Assert.That(await Post("zendesk", stranger, Signed(stranger)), Is.EqualTo(new WebhookOutcome(202, "ignored: requester not in the directory")));
        Assert.That(await Post("zendesk", agent, Signed(agent)), Is.EqualTo(new WebhookOutcome(202, "ignored: nothing to record")));
        Assert.That(_sink.Signals, Is.Empty);
    }

    [Test]
    public async Task A_bad_csat_event_is_a_hard_signal()
    {
        const string csat = """
            {"ticket_id":"99","requester_email":"ANN@example.com","event":"csat","rating":"bad","rating_id":"r1","occurred_at":"2026-01-05T10:00:00Z"}
            """;

        var outcome = await Post("generic", csat, Signed(csat));

        Assert.That(outcome.StatusCode, Is.EqualTo(200));
        Assert.That(_sink.Signals.Single(), Is.EqualTo(new Signal("u-ann", SignalKinds.TicketCsat, -1, TicketSignalMapper.CsatWeight,
            DateTimeOffset.Parse("2026-01-05T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture), "generic:99:csat:r1")));
    }

    [Test]
    public async Task Jiras_own_comment_webhook_maps_to_the_same_source_as_the_pulled_comment()
    {
        const string jira = """
            {"timestamp":1767607200000,"webhookEvent":"comment_created",
             "comment":{"id":"10001","author":{"accountId":"acc-ann","emailAddress":"ann@example.com"},
                        "body":"I am angry","created":"2026-01-05T09:00:00.000+0000","jsdPublic":true},
             "issue":{"id":"10001","key":"SUP-1","fields":{"reporter":{"accountId":"acc-ann","emailAddress":"ann@example.com"}}}}
            """;

        var outcome = await Post("jira", jira, Headers("X-Hub-Signature", Signature(jira)));

        Assert.That(outcome.StatusCode, Is.EqualTo(200), outcome.Message);
        Assert.That(_sink.Signals.Single().Source, Is.EqualTo("jira:SUP-1:comment:10001"));
    }

    [TestCase("-62135596800001")]
    [TestCase("9223372036854775807")]
    public async Task A_signed_jira_webhook_with_an_out_of_range_timestamp_is_400_not_an_exception(string timestamp)
    {
        var jira = "{\"timestamp\":" + timestamp + """
            ,"webhookEvent":"comment_created",
             "comment":{"id":"10001","author":{"accountId":"acc-ann","emailAddress":"ann@example.com"},"body":"x","jsdPublic":true},
             "issue":{"id":"10001","key":"SUP-1","fields":{"reporter":{"accountId":"acc-ann","emailAddress":"ann@example.com"}}}}
            """;

        var outcome = await Post("jira", jira, Headers("X-Hub-Signature", Signature(jira)));

        Assert.That(outcome, Is.EqualTo(new WebhookOutcome(400, "malformed payload: field 'timestamp' is out of range")));
    }

    [Test]
    public async Task An_unknown_system_is_not_found()
    {
        Assert.That((await Post("remedy", GenericComment, Signed(GenericComment))).StatusCode, Is.EqualTo(404));
    }

    private Task<WebhookOutcome> Post(string system, string body, IHeaderDictionary headers) =>
        _handler.HandleAsync(system, headers, Encoding.UTF8.GetBytes(body), CancellationToken.None);

    private static string Signature(string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(body)));

    private static HeaderDictionary Signed(string body) => Headers("X-Signature-256", Signature(body));

    private static HeaderDictionary Headers(string name, string value) => new() { [name] = value };
}
