using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Monitor.Core.Pulses;
using Monitor.Core.Signals;
using Monitor.Core.Users;
using Monitor.Probes.Pulse;
using Monitor.Probes.Pulse.Channels;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Pulse;
using Monitor.Worker.Scheduling;
using Monitor.Worker.Storage;

namespace Monitor.Tests.Pulse;

/// <summary>
/// Pulses are queued without their message and rendered by the outbox sender when they go (issue 13), on both stores: the same
/// e-mail every time it is rendered, and nothing for a person who left or unsubscribed in between.
/// </summary>
[TestFixture(Stores.Sqlite)]
[TestFixture(Stores.Postgres)]
public sealed class OutboxRenderTests(string provider) : OnEachStore(provider)
{
    // A Monday, 10:00 in Paris.
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private FakeTimeProvider _time = null!;
    private PulseRepository _pulses = null!;
    private UserRepository _users = null!;
    private PulseOptions _options = null!;
    private PulseComposer _composer = null!;
    private PulseChannels _channels = null!;
    private string _pickup = null!;

    [SetUp]
    public void CreateRepositories()
    {
        _time = new FakeTimeProvider(T0);
        _pulses = new PulseRepository(Db);
        _users = new UserRepository(Db, _time);
        _options = new PulseOptions
        {
            SigningKeys = ["render-test-signing-key-0123456789ab"], PublicBaseUrl = "https://pulse.example.com", DailySampleRate = 1,
        };
        _composer = new PulseComposer(new PulseLinks(new PulseTokenCodec(_options.SigningKeys), _options), _options);
        _pickup = TestPaths.NewTempDir("sm-render");
        var mail = new MailOptions { PickupDirectory = _pickup, From = "IT <it@example.com>" };
        _channels = new PulseChannels([new EmailChannel(Options.Create(mail), _time)], Options.Create(_options));
    }

    private PulseService Service() => new(_pulses, _users, _composer, _channels, Options.Create(_options), _time,
        NullLogger<PulseService>.Instance);

    private OutboxPulseRenderer Renderer() => new(_pulses, _users, () => _composer, _channels, NullLogger<OutboxPulseRenderer>.Instance);

    private OutboxSender Sender() => new(_pulses, _channels, Options.Create(new MailOptions { PickupDirectory = _pickup }),
        new NodeIdentity("test"), _time, NullLogger<OutboxSender>.Instance, renderer: Renderer());

    private static User U(string id, bool optedOut = false) =>
        new(id, $"{id}@example.com", $"User {id}", "Finance", "Paris", null, Rank.IndividualContributor, "Europe/Paris", "fr-FR", true,
            optedOut);

    private async Task<List<(string PulseId, string Message, string? LastError)>> OutboxRowsAsync()
    {
        await using var c = await Db.OpenAsync();
        return (await c.QueryAsync<(string, string, string?)>("SELECT pulse_id, message, last_error FROM outbox ORDER BY pulse_id")).ToList();
    }

    private List<MimeMessage> Sent() => Directory.GetFiles(_pickup, "*.eml").Select(f => MimeMessage.Load(f)).ToList();

    [Test]
    public async Task A_dispatched_pulse_is_queued_without_its_message_and_rendered_when_sent_the_same_every_time()
    {
        await _users.ReplaceAllAsync([U("a"), U("b")]);
        Assert.That(await Service().DispatchAsync(default), Is.EqualTo(2));
        Assert.That((await OutboxRowsAsync()).Select(r => r.Message), Has.All.Empty, "no message stored: rendered when sent");

        var claimed = await _pulses.ClaimAsync("one", T0, T0.AddMinutes(2), 10, default);
        var first = await Renderer().RenderAsync("one", claimed, T0, default);
        var again = await Renderer().RenderAsync("one", claimed, T0, default);
        Assert.That(again.Select(m => m.Message), Is.EqualTo(first.Select(m => m.Message)),
            "rendered again (a resend after a crash), the same e-mail, Message-Id and boundary included");
        Assert.That(first.Select(m => m.Recipient), Is.EquivalentTo(new[] { "a@example.com", "b@example.com" }));
        await _pulses.ReleaseAsync("one", claimed, default);

        Assert.That(await Sender().DrainOnceAsync(default), Is.EqualTo(2));
        var sent = Sent();
        Assert.That(sent.Select(m => m.To.Mailboxes.Single().Address), Is.EquivalentTo(new[] { "a@example.com", "b@example.com" }));
        var pulses = claimed.Select(m => m.PulseId!.Value).ToList();
        Assert.That(sent.Select(m => m.MessageId), Is.EquivalentTo(pulses.Select(id => $"pulse-{id:N}@example.com")));
        var a = sent.Single(m => m.To.Mailboxes.Single().Address == "a@example.com");
        Assert.That(a.TextBody, Does.Contain("User a").And.Contain("https://pulse.example.com/p/"));
        Assert.That(a.Headers["List-Unsubscribe"], Does.StartWith("<https://pulse.example.com/u/"));
        Assert.That(await _pulses.BacklogAsync(default), Is.EqualTo(0));
        Assert.That((await _pulses.FindAsync(pulses[0], default))!.SentAt, Is.Not.Null);
    }

    [Test]
    public async Task A_person_who_unsubscribed_or_left_before_the_send_is_not_sent_the_pulse_nor_counted_as_not_answering()
    {
        await _users.ReplaceAllAsync([U("a"), U("b"), U("c")]);
        var service = Service();
        Assert.That(await service.DispatchAsync(default), Is.EqualTo(3));
        var byUser = await _pulses.LastPulseByUserAsync(default);
        Assert.That(await _users.SetOptedOutAsync("b", true), Is.True);
        await _users.ReplaceAllAsync([U("a"), U("b", optedOut: true)]);

        Assert.That(await Sender().DrainOnceAsync(default), Is.EqualTo(1), "only a is sent the pulse");
        Assert.That(Sent().Select(m => m.To.Mailboxes.Single().Address), Is.EqualTo(new[] { "a@example.com" }));
        Assert.That(await _pulses.BacklogAsync(default), Is.EqualTo(0), "the others left the backlog");
        var rows = await OutboxRowsAsync();
        Assert.That(rows.Count(r => r.LastError == OutboxPulseRenderer.NotSent), Is.EqualTo(2));
        Assert.That(await Sender().DrainOnceAsync(default), Is.EqualTo(0), "and are not claimed again");

        _time.Advance(TimeSpan.FromDays(8));
        Assert.That(await service.CloseExpiredAsync(default), Is.EqualTo(1), "only a's pulse expires unanswered");
        var signals = new SignalRepository(Db, _time);
        Assert.That(await signals.RecentAsync("b", 10), Is.Empty, "b was never asked");
        Assert.That(await signals.RecentAsync("c", 10), Is.Empty, "c was never asked");
        Assert.That((await signals.RecentAsync("a", 10)).Single().Signal.Kind, Is.EqualTo(SignalKinds.PulseNoAnswer));
        Assert.That(byUser.Keys, Is.EquivalentTo(new[] { "a", "b", "c" }));
    }

    [Test]
    public async Task A_pulse_never_sent_does_not_count_against_the_response_ratio()
    {
        await _users.ReplaceAllAsync([U("a"), U("b")]);
        Assert.That(await Service().DispatchAsync(default), Is.EqualTo(2));
        Assert.That(await _users.SetOptedOutAsync("b", true), Is.True);
        Assert.That(await Sender().DrainOnceAsync(default), Is.EqualTo(1));
        string aPulse;
        await using (var c = await Db.OpenAsync()) aPulse = await c.QuerySingleAsync<string>("SELECT id FROM pulses WHERE user_id = 'a'");
        await _pulses.MarkAnsweredAsync(Guid.Parse(aPulse), T0.AddHours(1), default);

        Assert.That(await _pulses.ResponseRatioAsync(T0.AddDays(-1), default), Is.EqualTo(1.0),
            "one asked, one answered: b's pulse, closed unsent, was never a question to answer");
    }

    [Test]
    public async Task A_pulse_with_a_subject_of_its_own_is_stored_rendered_and_sent_as_stored()
    {
        await _users.ReplaceAllAsync([U("a")]);
        await Service().CreateAsync(U("a"), PulseReasons.Manual, "Did the new VPN help?", default);
        var stored = (await OutboxRowsAsync()).Single().Message;
        Assert.That(stored, Does.Contain("Subject:"));
        Assert.That(await Sender().DrainOnceAsync(default), Is.EqualTo(1));
        Assert.That(Sent().Single().Subject, Is.EqualTo("Did the new VPN help?"));
    }

    [Test]
    public async Task A_pulse_that_expired_in_the_outbox_during_a_mail_outage_is_neither_sent_nor_counted_as_not_answering()
    {
        await _users.ReplaceAllAsync([U("a"), U("b")]);
        var service = Service();
        Assert.That(await service.DispatchAsync(default), Is.EqualTo(2));
        // The mail server is down for longer than a pulse lives; the pulse probe runs meanwhile.
        _time.Advance(TimeSpan.FromDays(8));
        Assert.That(await service.CloseExpiredAsync(default), Is.EqualTo(0), "nobody was asked, so nobody failed to answer");
        var signals = new SignalRepository(Db, _time);
        Assert.That(await signals.RecentAsync("a", 10), Is.Empty);
        Assert.That(await signals.RecentAsync("b", 10), Is.Empty);

        // The server is back: the stale pulses are settled, not sent with links that would only say "expired".
        Assert.That(await Sender().DrainOnceAsync(default), Is.EqualTo(0));
        Assert.That(Sent(), Is.Empty);
        Assert.That(await _pulses.BacklogAsync(default), Is.EqualTo(0));
        Assert.That((await OutboxRowsAsync()).Select(r => r.LastError), Has.All.EqualTo(OutboxPulseRenderer.Expired));
        Assert.That(await _pulses.ResponseRatioAsync(T0.AddDays(-1), default), Is.Null, "no pulse was asked: no ratio");
    }

    [Test]
    public async Task A_stored_pulse_with_its_own_subject_that_expired_before_the_send_is_not_sent()
    {
        await _users.ReplaceAllAsync([U("a")]);
        await Service().CreateAsync(U("a"), PulseReasons.Manual, "Did the new VPN help?", default);
        _time.Advance(TimeSpan.FromDays(8));
        Assert.That(await Sender().DrainOnceAsync(default), Is.EqualTo(0));
        Assert.That(Sent(), Is.Empty);
        Assert.That((await OutboxRowsAsync()).Single().LastError, Is.EqualTo(OutboxPulseRenderer.Expired));
    }
}
