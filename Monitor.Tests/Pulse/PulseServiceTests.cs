using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Pulses;
using Monitor.Core.Signals;
using Monitor.Core.Users;
using Monitor.Probes.Pulse;
using Monitor.Probes.Pulse.Channels;
using Monitor.Tests.Pulse.Fakes;

namespace Monitor.Tests.Pulse;

/// <summary>Who is due, what is composed, what expires and which channel renders it: the pulse logic without a database.</summary>
public sealed class PulseServiceTests
{
    // A Monday, 10:00 in Paris, 18:00 in Tokyo.
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private const string Key = "service-test-signing-key-0123456789ab";

    // NUnit keeps one fixture instance for all its tests: everything is new for each test.
    private FakeTimeProvider _time = null!;
    private InMemoryPulseStore _store = null!;
    private RecordingSignalSink _signals = null!;
    private FakeChannel _email = null!;
    private FakeChannel _sms = null!;
    private PulseOptions _options = null!;
    private PulseComposer _composer = null!;

    [SetUp]
    public void Fresh()
    {
        _signals = new RecordingSignalSink();
        (_time, _store, _email, _sms) = (new FakeTimeProvider(T0), new InMemoryPulseStore(_signals),
            new FakeChannel("email"), new FakeChannel("sms"));
        _options = new PulseOptions { SigningKeys = [Key], PublicBaseUrl = "https://pulse.example.com", DailySampleRate = 1 };
    }

    private PulseService Service(params User[] users)
    {
        var options = Microsoft.Extensions.Options.Options.Create(_options);
        var composer = _composer = new PulseComposer(new PulseLinks(new PulseTokenCodec(_options.SigningKeys), _options), _options);
        return new PulseService(_store, new InMemoryUserDirectory(users), composer,
            new PulseChannels([_email, _sms], options), options, _time, NullLogger<PulseService>.Instance);
    }

    private static User U(string id, bool active = true, bool optedOut = false, string tz = "Europe/Paris", string locale = "fr-FR") =>
        new(id, $"{id}@example.com", $"User {id}", "Finance", "Paris", null, Rank.IndividualContributor, tz, locale, active, optedOut);

    // The outbox sender's part (OutboxPulseRenderer): each pulse queued without its message composed for its person and
    // rendered by the channel it was queued under.
    private void RenderQueued(params User[] users)
    {
        foreach (var c in _store.Created.Where(c => c.Message == PulseService.RenderedWhenSent))
            (c.Channel == _sms.Name ? _sms : _email).Render(_composer.Compose(users.Single(u => u.Id == c.Pulse.UserId), c.Pulse));
    }

    [Test]
    public async Task Only_active_subscribed_people_who_are_awake_on_a_business_day_are_due()
    {
        var service = Service(U("a"), U("b"), U("inactive", active: false), U("out", optedOut: true), U("asleep", tz: "Asia/Tokyo"));
        Assert.That(await service.DispatchAsync(default), Is.EqualTo(2));
        Assert.That(_store.Pulses.Select(p => p.UserId), Is.EquivalentTo(new[] { "a", "b" }));
        Assert.That(_store.Pulses.Select(p => p.Reason), Has.All.EqualTo(PulseReasons.Scheduled));

        _time.SetUtcNow(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero)); // a Saturday
        Assert.That(await Service(U("c")).DispatchAsync(default), Is.EqualTo(0), "not on a weekend");
    }

    [Test]
    public async Task Nobody_gets_a_second_pulse_within_the_minimum_interval()
    {
        var service = Service(U("a"));
        Assert.That(await service.DispatchAsync(default), Is.EqualTo(1));
        _time.Advance(TimeSpan.FromDays(7));
        Assert.That(await service.DispatchAsync(default), Is.EqualTo(0));
        _time.Advance(TimeSpan.FromDays(7));
        Assert.That(await service.DispatchAsync(default), Is.EqualTo(1), "due again after exactly the minimum interval");
    }

    [Test]
    public async Task An_acknowledged_user_gets_one_follow_up_after_the_delay_despite_the_fatigue_budget()
    {
        var service = Service(U("a"));
        await service.DispatchAsync(default);
        _store.Acknowledged["a"] = _time.GetUtcNow();
        _time.Advance(_options.FollowUpAfter - TimeSpan.FromHours(1));
        Assert.That(await service.DispatchAsync(default), Is.EqualTo(0), "not before the delay");
        _time.Advance(TimeSpan.FromHours(1));
        Assert.That(await service.DispatchAsync(default), Is.EqualTo(1));
        Assert.That(_store.Pulses.OrderBy(p => p.CreatedAt).Last().Reason, Is.EqualTo(PulseReasons.FollowUp));
        _time.Advance(TimeSpan.FromDays(1));
        Assert.That(await service.DispatchAsync(default), Is.EqualTo(0), "one follow-up per acknowledgement");
    }

    [Test]
    public async Task A_run_queues_at_most_MaxPerRun_and_the_rest_are_queued_by_the_next_run()
    {
        _options.MaxPerRun = 3;
        var service = Service([.. Enumerable.Range(0, 5).Select(i => U($"u{i}"))]);
        Assert.That(await service.DispatchAsync(default), Is.EqualTo(3));
        Assert.That(await service.DispatchAsync(default), Is.EqualTo(2));
        Assert.That(_store.Pulses.Select(p => p.UserId).ToList(), Is.Unique.And.Count.EqualTo(5));
    }

    [Test]
    public async Task A_person_the_sample_does_not_pick_today_is_not_due_today()
    {
        _options.DailySampleRate = 0.5;
        var users = Enumerable.Range(0, 200).Select(i => U($"u{i}")).ToArray();
        var calendar = new PulseCalendar(_options.EffectiveBusinessDays(), _options.QuietUntil, _options.QuietFrom, 0.5);
        var picked = users.Where(u => calendar.IsSampled(u.Id, T0, u.TimeZone)).Select(u => u.Id).ToList();
        await Service(users).DispatchAsync(default);
        Assert.That(_store.Pulses.Select(p => p.UserId), Is.EquivalentTo(picked));
        Assert.That(picked, Has.Count.InRange(60, 140));
    }

    [Test]
    public async Task A_composed_pulse_carries_every_question_and_answer_with_links_signed_for_that_pulse_and_person()
    {
        _options.QuestionSet = PulseQuestions.Value;
        await Service(U("a")).DispatchAsync(default);
        Assert.That(_email.Rendered, Is.Empty, "composed when sent, not when queued");
        RenderQueued(U("a"));
        var composed = _email.Rendered.Single();
        var codec = new PulseTokenCodec([Key]);
        Assert.That(composed.Questions.Select(q => q.Text),
            Is.EqualTo(PulseTexts.Default.Questions(PulseQuestions.Value, _options, PulseTexts.Language("fr-FR"))));
        Assert.That(composed.Questions[0].Text, Does.StartWith("Quelle valeur"));
        for (var q = 0; q < composed.Questions.Count; q++)
        {
            Assert.That(composed.Questions[q].Answers.Select(a => a.Answer), Is.EqualTo(PulseAnswers.All));
            foreach (var a in composed.Questions[q].Answers)
            {
                Assert.That(codec.Verify(a.Url["https://pulse.example.com/p/".Length..], _time.GetUtcNow(), out var claims),
                    Is.EqualTo(TokenVerdict.Valid));
                Assert.That(claims, Is.EqualTo(new PulseToken(TokenPurpose.Answer, composed.Pulse.Id, "a", q, a.Answer.Value,
                    DateTimeOffset.FromUnixTimeSeconds(composed.Pulse.ExpiresAt.ToUnixTimeSeconds()))));
            }
        }
        Assert.That(codec.Verify(composed.UnsubscribeUrl["https://pulse.example.com/u/".Length..], _time.GetUtcNow(), out var unsubscribe),
            Is.EqualTo(TokenVerdict.Valid));
        Assert.That(unsubscribe!.Purpose, Is.EqualTo(TokenPurpose.Unsubscribe));
        Assert.That(unsubscribe.UserId, Is.EqualTo("a"));
        Assert.That(codec.Verify(composed.HoneypotUrl["https://pulse.example.com/p/h/".Length..], _time.GetUtcNow(), out var honeypot),
            Is.EqualTo(TokenVerdict.Valid));
        Assert.That(honeypot!.Purpose, Is.EqualTo(TokenPurpose.Honeypot));
        Assert.That(composed.Greeting, Does.Contain("User a"));
        Assert.That(composed.WhoSees, Does.Contain("lue par l’informatique"), "the user is fr-FR");
    }

    [Test]
    public async Task The_pulse_is_queued_under_the_chosen_channel_without_its_message_and_rendered_by_that_channel()
    {
        _options.Channel = "sms";
        var pulse = await Service(U("a")).CreateAsync(U("a"), PulseReasons.Manual, default);
        var created = _store.Created.Single();
        Assert.That(created.Pulse, Is.EqualTo(pulse));
        Assert.That(created, Has.Property(nameof(NewPulse.Channel)).EqualTo("sms")
            .And.Property(nameof(NewPulse.Message)).EqualTo(PulseService.RenderedWhenSent));
        RenderQueued(U("a"));
        Assert.That(_email.Rendered, Is.Empty);
        Assert.That(_sms.Rendered.Single().Pulse, Is.EqualTo(pulse));
    }

    [Test]
    public async Task People_the_chosen_channel_cannot_reach_are_not_due()
    {
        _options.Channel = "sms";
        _sms.Locales.Add("en-GB");
        var service = Service(U("fr"), U("gb", locale: "en-GB"));
        Assert.That(await service.DispatchAsync(default), Is.EqualTo(1));
        Assert.That(_store.Pulses.Single().UserId, Is.EqualTo("gb"));
        Assert.That(service.CanReach(U("fr")), Is.False);
    }

    [Test]
    public async Task An_expired_unanswered_pulse_becomes_one_pulse_no_answer_with_the_configured_weight()
    {
        _options.NoAnswerWeight = 0.3;
        var service = Service(U("a"), U("b"));
        await service.DispatchAsync(default);
        var answered = _store.Pulses.Single(p => p.UserId == "b");
        foreach (var p in _store.Pulses) await _store.MarkSentAsync(p.Id, _time.GetUtcNow());
        await _store.MarkAnsweredAsync(answered.Id, _time.GetUtcNow(), default);
        _time.Advance(_options.LinkValidity);
        Assert.That(await service.CloseExpiredAsync(default), Is.EqualTo(1));
        Assert.That(await service.CloseExpiredAsync(default), Is.EqualTo(0), "settled once");
        var expired = _store.Pulses.Single(p => p.UserId == "a");
        Assert.That(_signals.Signals, Is.EqualTo(new[]
        {
            new Signal("a", SignalKinds.PulseNoAnswer, 0, 0.3, expired.ExpiresAt, $"pulse:{expired.Id}"),
        }));
    }
}
