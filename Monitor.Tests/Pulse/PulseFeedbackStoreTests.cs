using Monitor.Probes.Pulse;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Pulse;

namespace Monitor.Tests.Pulse;

/// <summary>The thank-you page's factor and lost time on both stores.</summary>
[TestFixture(Stores.Sqlite)]
[TestFixture(Stores.Postgres)]
public sealed class PulseFeedbackStoreTests(string provider)
{
    [Test]
    public async Task Feedback_is_saved_replaced_per_question_and_read_back_since_a_time()
    {
        var store = new PulseFeedbackRepository(await Stores.NewDatabaseAsync(provider));
        var pulse = Guid.NewGuid();
        var t0 = new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
        await store.SaveAsync(new StoredFeedback(pulse, 0, "u1", "bad", "network", "few_hours", t0), default);
        await store.SaveAsync(new StoredFeedback(pulse, 1, "u1", "good", null, "none", t0), default);
        await store.SaveAsync(new StoredFeedback(pulse, 0, "u1", "good", "speed", null, t0.AddMinutes(5)), default);

        var first = await store.FindAsync(pulse, 0, default);
        Assert.That(first, Is.EqualTo(new StoredFeedback(pulse, 0, "u1", "good", "speed", null, t0.AddMinutes(5))), "replaced");
        Assert.That(await store.FindAsync(pulse, 2, default), Is.Null);
        Assert.That((await store.SinceAsync(t0, default)).Select(f => f.Question).Order(), Is.EqualTo(new[] { 0, 1 }));
        Assert.That((await store.SinceAsync(t0.AddMinutes(1), default)).Single().Factor, Is.EqualTo("speed"));
    }
}
