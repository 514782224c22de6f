using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Pulses;
using Monitor.Core.Users;
using Monitor.Probes.Pulse;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Pulse;
using Monitor.Worker.Storage;

namespace Monitor.Tests.Pulse;

/// <summary>
/// The one read of a click (issue 13, answer speed): the pulse, the recent fetches of its links, the person's locale and the
/// question's feedback in one statement, on both stores; each part as the separate reads it replaces would have found it.
/// </summary>
[TestFixture(Stores.Sqlite)]
[TestFixture(Stores.Postgres)]
public sealed class PulseLookupTests(string provider)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private Database _db = null!;
    private PulseRepository _pulses = null!;
    private UserRepository _users = null!;

    [SetUp]
    public async Task CreateStore()
    {
        _db = await Stores.NewDatabaseAsync(provider);
        _pulses = new PulseRepository(_db);
        _users = new UserRepository(_db, new FakeTimeProvider(T0));
    }

    [TearDown]
    public async Task DisposeStore() => await _db.DisposeAsync();

    private async Task<PulseRecord> PulseOf(string userId)
    {
        var p = new PulseRecord(Guid.CreateVersion7(), userId, "default", PulseReasons.Manual, T0, T0.AddDays(7));
        await _pulses.CreateManyAsync([new NewPulse(p, "email", $"{userId}@example.com", "m")], default);
        return p;
    }

    private static User U(string id, string locale) => new(id, $"{id}@example.com", $"User {id}", "Finance", "Paris", null,
        Rank.IndividualContributor, "Europe/Paris", locale, true, false);

    [Test]
    public async Task Reads_the_pulse_its_recent_fetches_the_locale_and_the_feedback_of_the_question()
    {
        await _users.ReplaceAllAsync([U("ann", "de-DE")], default);
        var pulse = await PulseOf("ann");
        await _pulses.RecordLinkHitAsync(pulse.Id, 1, T0.AddMinutes(-10), T0.AddMinutes(-11), default);
        await _pulses.RecordLinkHitAsync(pulse.Id, 2, T0, T0.AddSeconds(-30), default);
        await _pulses.RecordLinkHitAsync(pulse.Id, 3, T0, T0.AddSeconds(-30), default);
        await new PulseFeedbackRepository(_db).SaveAsync(
            new StoredFeedback(pulse.Id, 1, "ann", "bad", "devices", "few_hours", T0), default);

        var q0 = await _pulses.LookupAsync(pulse.Id, 0, T0.AddSeconds(-30), default);
        var q1 = await _pulses.LookupAsync(pulse.Id, 1, T0.AddSeconds(-30), default);

        Assert.That(q0!.Pulse, Is.EqualTo(await _pulses.FindAsync(pulse.Id, default)));
        Assert.That((q0.Complete, q0.AnswersFetched, q0.Locale, q0.Factor, q0.LostTime),
            Is.EqualTo((true, 2, "de-DE", (string?)null, (string?)null)));
        Assert.That(q0.AnswersFetched, Is.EqualTo(await _pulses.DistinctAnswersFetchedAsync(pulse.Id, T0.AddSeconds(-30), default)));
        Assert.That((q1!.Factor, q1.LostTime), Is.EqualTo(("devices", "few_hours")));
    }

    [Test]
    public async Task A_person_not_in_the_directory_has_no_locale_and_an_unknown_pulse_is_null()
    {
        await _users.ReplaceAllAsync([U("ann", "fr-FR")], default);
        var pulse = await PulseOf("bob");

        var read = await _pulses.LookupAsync(pulse.Id, 0, T0, default);

        Assert.That((read!.Pulse.UserId, read.Locale, read.AnswersFetched), Is.EqualTo(("bob", (string?)null, 0)));
        Assert.That(await _pulses.LookupAsync(Guid.CreateVersion7(), 0, T0, default), Is.Null);
    }
}
