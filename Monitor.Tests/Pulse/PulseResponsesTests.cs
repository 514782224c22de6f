using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Pulses;
using Monitor.Core.Signals;
using Monitor.Core.Users;
using Monitor.Probes.Pulse;
using Monitor.Tests.Pulse.Fakes;

namespace Monitor.Tests.Pulse;

/// <summary>What clicks do, without HTTP or a database: answers through the signal sink, scanner judgement, unsubscribing.</summary>
public sealed class PulseResponsesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private static readonly User Ann =
        new("ann", "ann@example.com", "Ann", "Finance", "Paris", null, Rank.Manager, "UTC", "en", true, false);

    private readonly PulseOptions _options =
        new() { SigningKeys = ["responses-test-signing-key-0123456789"], PublicBaseUrl = "https://p.example" };
    private FakeTimeProvider _time = null!;
    private InMemoryPulseStore _store = null!;
    private RecordingSignalSink _signals = null!;
    private InMemoryUserDirectory _users = null!;
    private PulseLinks _links = null!;
    private PulseResponses _responses = null!;
    private PulseRecord _pulse = null!;

    [SetUp]
    public async Task Queue()
    {
        // NUnit keeps one fixture instance for all its tests: the fakes are new for each test.
        (_time, _store, _signals, _users) =
            (new FakeTimeProvider(T0), new InMemoryPulseStore(), new RecordingSignalSink(), new InMemoryUserDirectory(Ann));
        _store = new InMemoryPulseStore(_signals);
        var codec = new PulseTokenCodec(_options.SigningKeys);
        _links = new PulseLinks(codec, _options);
        _responses = new PulseResponses(codec, _links, _store, _users, Microsoft.Extensions.Options.Options.Create(_options),
            _time);
        _pulse = new PulseRecord(Guid.NewGuid(), "ann", PulseQuestions.Value, PulseReasons.Manual, T0, T0.AddDays(7));
        await _store.CreateManyAsync([new NewPulse(_pulse, "email", Ann.Email, "…")], default);
        await _store.MarkSentAsync(_pulse.Id, T0);
    }

    private static string Token(string url) => url[(url.LastIndexOf('/') + 1)..];

    private async Task<LinkCheck> AnswerCheckAsync(string url) =>
        (await _responses.ResolveAsync(Token(url), TokenPurpose.Answer, default)).Check;

    [Test]
    public async Task An_answer_link_resolves_to_its_question_and_answer_and_a_changed_answer_replaces_the_signal()
    {
        var link = await _responses.ResolveAsync(Token(_links.Answer(_pulse, 1, 2)), TokenPurpose.Answer, default);
        Assert.That(link.Check, Is.EqualTo(LinkCheck.Valid));
        Assert.That(link.Question, Is.EqualTo("How much value does IT bring to your team?"));
        Assert.That(link.Answer, Is.EqualTo(PulseAnswers.Find(2)));

        await _responses.RecordAsync(_pulse, 1, link.Answer!, null, default);
        _time.Advance(TimeSpan.FromMinutes(1));
        await _responses.RecordAsync(_pulse, 1, PulseAnswers.Find(5)!, "all good now", default);
        var signal = _signals.Signals.Single();
        Assert.That(signal, Is.EqualTo(
            new Signal("ann", SignalKinds.PulseAnswer, 1.0, 1.0, T0.AddMinutes(1), $"pulse:{_pulse.Id}:q2", "all good now")));
        Assert.That((await _store.FindAsync(_pulse.Id, default))!.AnsweredAt, Is.EqualTo(T0), "answered when first answered");
    }

    [Test]
    public async Task A_link_for_someone_elses_pulse_a_wrong_purpose_or_an_expired_one_records_nothing()
    {
        var forged = _pulse with { UserId = "bob" };
        Assert.That(await AnswerCheckAsync(_links.Answer(forged, 0, 1)), Is.EqualTo(LinkCheck.Invalid));
        Assert.That(await AnswerCheckAsync(_links.Honeypot(_pulse)), Is.EqualTo(LinkCheck.Invalid));
        Assert.That(await AnswerCheckAsync(_links.Answer(_pulse, 9, 1)), Is.EqualTo(LinkCheck.Invalid), "a question the set does not have");
        _time.Advance(TimeSpan.FromDays(8));
        Assert.That(await AnswerCheckAsync(_links.Answer(_pulse, 0, 1)), Is.EqualTo(LinkCheck.Expired));
    }

    [Test]
    public async Task Fetches_are_judged_too_soon_right_after_sending_then_a_burst_of_answers_is_a_scanner()
    {
        var first = await _responses.ResolveAsync(Token(_links.Answer(_pulse, 0, 1)), TokenPurpose.Answer, default);
        Assert.That(await _responses.JudgeFetchAsync(first, automatedAgent: false, default), Is.EqualTo(ScannerJudge.TooSoon));
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.That(await _responses.JudgeFetchAsync(first, automatedAgent: false, default), Is.Null, "a person's single click");
        foreach (var a in new[] { 2, 3 })
        {
            var other = await _responses.ResolveAsync(Token(_links.Answer(_pulse, 0, a)), TokenPurpose.Answer, default);
            await _responses.JudgeFetchAsync(other, automatedAgent: false, default);
        }
        // A resolved link is what one request read; the submit that follows the burst resolves its link again.
        first = await _responses.ResolveAsync(Token(_links.Answer(_pulse, 0, 1)), TokenPurpose.Answer, default);
        Assert.That(await _responses.JudgeSubmitAsync(first, automation: false, personClicked: false, default),
            Is.EqualTo(ScannerJudge.ManyAnswers));
        Assert.That(await _responses.JudgeSubmitAsync(first, automation: false, personClicked: true, default), Is.Null,
            "a person pressing Send");
        Assert.That(await _responses.JudgeFetchAsync(first, automatedAgent: true, default), Is.EqualTo(ScannerJudge.Automation));
    }

    [Test]
    public async Task A_fetched_honeypot_quarantines_the_pulse_for_automatic_submits()
    {
        _time.Advance(TimeSpan.FromMinutes(5));
        var honeypot = await _responses.ResolveAsync(Token(_links.Honeypot(_pulse)), TokenPurpose.Honeypot, default);
        await _responses.MarkHoneypotAsync(honeypot.Pulse!, default);
        var link = await _responses.ResolveAsync(Token(_links.Answer(_pulse, 0, 4)), TokenPurpose.Answer, default);
        Assert.That(await _responses.JudgeSubmitAsync(link, automation: false, personClicked: false, default),
            Is.EqualTo(ScannerJudge.Honeypot));
    }

    [Test]
    public async Task The_unsubscribe_link_opts_its_person_out_and_a_forged_one_does_not()
    {
        Assert.That(await _responses.UnsubscribeAsync("not-a-token", default), Is.EqualTo(LinkCheck.Invalid));
        Assert.That((await _users.FindAsync("ann", default))!.OptedOut, Is.False);
        Assert.That(await _responses.UnsubscribeAsync(Token(_links.Unsubscribe("ann", T0)), default), Is.EqualTo(LinkCheck.Valid));
        Assert.That((await _users.FindAsync("ann", default))!.OptedOut, Is.True);
    }
}
