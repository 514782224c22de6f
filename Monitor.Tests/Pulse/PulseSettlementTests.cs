using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Pulses;
using Monitor.Core.Signals;
using Monitor.Core.Users;
using Monitor.Probes.Pulse;
using Monitor.Probes.Pulse.Channels;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Pulse;
using Monitor.Worker.Storage;

namespace Monitor.Tests.Pulse;

/// <summary>
/// What settles a pulse is one transaction on both stores (issue 13): an answer (signal + pulse answered), an expiry
/// (pulse closed + no-answer signal). Faults are injected between the writes with a trigger that fails the second one.
/// </summary>
[TestFixture(Stores.Sqlite)]
[TestFixture(Stores.Postgres)]
public sealed class PulseSettlementTests(string provider)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private Database _db = null!;
    private FakeTimeProvider _time = null!;
    private PulseRepository _pulses = null!;
    private SignalRepository _signals = null!;
    private PulseOptions _options = null!;
    private PulseRecord _pulse = null!;

    [SetUp]
    public async Task CreateStore()
    {
        _db = await Stores.NewDatabaseAsync(provider);
        _time = new FakeTimeProvider(T0);
        _pulses = new PulseRepository(_db);
        _signals = new SignalRepository(_db, _time);
        _options = new PulseOptions { SigningKeys = ["settle-test-signing-key-0123456789ab"], PublicBaseUrl = "http://127.0.0.1:1" };
        await new UserRepository(_db, _time).ReplaceAllAsync([new User("ann", "ann@example.com", "Ann", "Finance", "Paris", null,
            Rank.IndividualContributor, "Europe/Paris", "en-GB", true, false)]);
        _pulse = new PulseRecord(Guid.NewGuid(), "ann", "default", PulseReasons.Manual, T0, T0.AddDays(7));
        await _pulses.CreateManyAsync([new NewPulse(_pulse, "email", "ann@example.com", "…")], default);
        // Sent: only a pulse that went out can go unanswered.
        await _pulses.MarkSentAsync("setup", await _pulses.ClaimAsync("setup", T0, T0.AddMinutes(2), 10, default), T0, default);
    }

    [TearDown]
    public async Task DisposeStore() => await _db.DisposeAsync();

    private PulseResponses Responses()
    {
        var codec = new PulseTokenCodec(_options.SigningKeys);
        return new PulseResponses(codec, new PulseLinks(codec, _options), _pulses, new UserRepository(_db, _time), Options.Create(_options),
            _time, feedback: new PulseFeedbackRepository(_db));
    }

    private PulseService Service()
    {
        var options = Options.Create(_options);
        var links = new PulseLinks(new PulseTokenCodec(_options.SigningKeys), _options);
        return new PulseService(_pulses, new UserRepository(_db, _time), new PulseComposer(links, _options),
            new PulseChannels([new EmailChannel(Options.Create(new MailOptions()))], options), options, _time,
            NullLogger<PulseService>.Instance);
    }

    /// <summary>Makes every later write to <paramref name="column"/> of pulses fail, as a database going away would.</summary>
    private async Task FailWritesOfPulsesAsync(string column)
    {
        await using var c = await _db.OpenAsync();
        if (_db.IsPostgres)
        {
            await c.ExecuteAsync("CREATE FUNCTION injected_fault() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected fault'; END $$"
                + " LANGUAGE plpgsql");
            await c.ExecuteAsync(
                $"CREATE TRIGGER fault BEFORE UPDATE OF {column} ON pulses FOR EACH ROW EXECUTE FUNCTION injected_fault()");
        }
        else
        {
            await c.ExecuteAsync(
                $"CREATE TRIGGER fault BEFORE UPDATE OF {column} ON pulses BEGIN SELECT RAISE(ABORT, 'injected fault'); END");
        }
    }

    private async Task DropFaultAsync()
    {
        await using var c = await _db.OpenAsync();
        await c.ExecuteAsync(_db.IsPostgres ? "DROP TRIGGER fault ON pulses" : "DROP TRIGGER fault");
    }

    [Test]
    public async Task An_answer_whose_pulse_cannot_be_marked_answered_stores_no_signal_either()
    {
        await FailWritesOfPulsesAsync("answered_at");
        Assert.That(async () => await Responses().RecordAsync(_pulse, 0, PulseAnswers.Find(1)!, "slow laptop", default),
            Throws.Exception.Message.Contains("injected fault"));
        Assert.That(await _signals.RecentAsync("ann", 10), Is.Empty, "the signal is rolled back with the pulse");
        Assert.That((await _pulses.FindAsync(_pulse.Id, default))!.AnsweredAt, Is.Null);

        await DropFaultAsync();
        await Responses().RecordAsync(_pulse, 0, PulseAnswers.Find(1)!, "slow laptop", default);
        Assert.That((await _signals.RecentAsync("ann", 10)).Single().Signal.Score, Is.EqualTo(-1), "the person's retry is stored");
        Assert.That((await _pulses.FindAsync(_pulse.Id, default))!.AnsweredAt, Is.EqualTo(T0));
    }

    [Test]
    public async Task A_re_click_whose_pulse_cannot_be_marked_answered_stores_no_signal_either()
    {
        await FailWritesOfPulsesAsync("answered_at");
        Assert.That(async () => await Responses().RecordAsync(_pulse, 0, PulseAnswers.Find(4)!, null, default, keepComment: true),
            Throws.Exception.Message.Contains("injected fault"));
        Assert.That(await _signals.RecentAsync("ann", 10), Is.Empty, "the signal is rolled back with the pulse");
        Assert.That((await _pulses.FindAsync(_pulse.Id, default))!.AnsweredAt, Is.Null);
    }

    /// <summary>The feedback is the last statement of the answer's batch: its failure undoes the three before it.</summary>
    [Test]
    public async Task An_answer_whose_feedback_cannot_be_stored_stores_no_signal_and_leaves_the_pulse_unanswered()
    {
        await using (var c = await _db.OpenAsync())
        {
            await c.ExecuteAsync("DELETE FROM dirty_users"); // the directory's import marked Ann
            await c.ExecuteAsync(_db.IsPostgres
                ? "CREATE FUNCTION injected_fault() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected fault'; END $$ LANGUAGE plpgsql;"
                  + " CREATE TRIGGER fault BEFORE INSERT ON pulse_feedback FOR EACH ROW EXECUTE FUNCTION injected_fault()"
                : "CREATE TRIGGER fault BEFORE INSERT ON pulse_feedback BEGIN SELECT RAISE(ABORT, 'injected fault'); END");
        }
        Assert.That(async () => await Responses().RecordAsync(_pulse, 0, PulseAnswers.Find(1)!, "slow", default,
            new PulseFeedback("devices", null)), Throws.Exception.Message.Contains("injected fault"));
        Assert.That(await _signals.RecentAsync("ann", 10), Is.Empty);
        Assert.That((await _pulses.FindAsync(_pulse.Id, default))!.AnsweredAt, Is.Null);
        await using var check = await _db.OpenAsync();
        Assert.That(await check.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM dirty_users"), Is.Zero, "nor the evaluator's mark");
    }

    [Test]
    public async Task Clicking_an_answer_link_again_keeps_the_comment_written_on_the_thank_you_page()
    {
        var r = Responses();
        await r.RecordAsync(_pulse, 0, PulseAnswers.Find(2)!, comment: null, default, keepComment: true);
        await r.RecordAsync(_pulse, 0, PulseAnswers.Find(2)!, "printer down again", default, new PulseFeedback("devices", null));
        _time.Advance(TimeSpan.FromMinutes(5));
        var kept = await r.RecordAsync(_pulse, 0, PulseAnswers.Find(4)!, comment: null, default, keepComment: true);

        Assert.That(kept, Is.EqualTo("[devices] printer down again"));
        var stored = (await _signals.RecentAsync("ann", 10)).Single().Signal;
        Assert.That(stored, Has.Property(nameof(Signal.Score)).EqualTo(0.5).And.Property(nameof(Signal.Comment)).EqualTo(kept));
        Assert.That((await r.FeedbackAsync(_pulse, 0, default))!.Factor, Is.EqualTo("devices"), "the feedback stays too");

        await r.RecordAsync(_pulse, 0, PulseAnswers.Find(4)!, comment: null, default, new PulseFeedback(null, null));
        Assert.That((await _signals.RecentAsync("ann", 10)).Single().Signal.Comment, Is.Null, "the form's emptied comment clears it");
        // So does its emptied factor and lost time the feedback: "bad, devices" no longer stands beside a happy answer.
        Assert.That(await r.FeedbackAsync(_pulse, 0, default), Is.Null, "the form saved without feedback removes the earlier one");
    }

    [Test]
    public async Task A_bad_no_answer_weight_fails_the_run_and_closes_nothing_so_a_fixed_run_records_every_signal()
    {
        _time.Advance(TimeSpan.FromDays(8));
        _options.NoAnswerWeight = double.NaN;
        Assert.That(async () => await Service().CloseExpiredAsync(default), Throws.ArgumentException);
        Assert.That(await _signals.RecentAsync("ann", 10), Is.Empty);

        _options.NoAnswerWeight = 0.2;
        Assert.That(await Service().CloseExpiredAsync(default), Is.EqualTo(1), "the pulse was left open");
        Assert.That((await _signals.RecentAsync("ann", 10)).Single().Signal.Kind, Is.EqualTo(SignalKinds.PulseNoAnswer));
    }

    [Test]
    public async Task Pulses_that_cannot_be_closed_store_no_no_answer_signal()
    {
        _time.Advance(TimeSpan.FromDays(8));
        await FailWritesOfPulsesAsync("closed_at");
        Assert.That(async () => await Service().CloseExpiredAsync(default), Throws.Exception.Message.Contains("injected fault"));
        Assert.That(await _signals.RecentAsync("ann", 10), Is.Empty);
        await DropFaultAsync();
        Assert.That(await Service().CloseExpiredAsync(default), Is.EqualTo(1));
        Assert.That(await Service().CloseExpiredAsync(default), Is.EqualTo(0), "once");
    }
}
