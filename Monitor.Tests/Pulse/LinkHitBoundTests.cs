using Dapper;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Pulse;
using Monitor.Worker.Storage;

namespace Monitor.Tests.Pulse;

/// <summary>
/// Repeated GETs of one pulse link must not grow pulse_link_hits (issue 13 item 6): one row per answer per window,
/// while the scanner check still sees every distinct answer of the window. Both stores.
/// </summary>
[TestFixture(Stores.Sqlite)]
[TestFixture(Stores.Postgres)]
public sealed class LinkHitBoundTests(string provider)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);
    private Database _db = null!;
    private PulseRepository _pulses = null!;

    [SetUp]
    public async Task CreateStore()
    {
        _db = await Stores.NewDatabaseAsync(provider);
        _pulses = new PulseRepository(_db);
    }

    [TearDown]
    public async Task DisposeStore() => await _db.DisposeAsync();

    private async Task<long> RowsAsync(Guid pulse)
    {
        await using var c = await _db.OpenAsync();
        return await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM pulse_link_hits WHERE pulse_id = @id",
            new { id = pulse.ToString() });
    }

    private Task<int> HitAsync(Guid pulse, int answer, DateTimeOffset at) =>
        _pulses.RecordLinkHitAsync(pulse, answer, at, at - Window, default);

    [Test]
    public async Task A_link_fetched_a_thousand_times_in_one_window_is_one_row()
    {
        var pulse = Guid.CreateVersion7();
        for (var i = 0; i < 1000; i++) await HitAsync(pulse, 11, T0.AddMilliseconds(i));

        Assert.That(await RowsAsync(pulse), Is.EqualTo(1));
    }

    [Test]
    public async Task Distinct_answers_in_the_window_are_still_counted()
    {
        var pulse = Guid.CreateVersion7();
        Assert.That(await HitAsync(pulse, 11, T0), Is.EqualTo(1));
        Assert.That(await HitAsync(pulse, 11, T0.AddSeconds(1)), Is.EqualTo(1));
        Assert.That(await HitAsync(pulse, 12, T0.AddSeconds(2)), Is.EqualTo(2));
        Assert.That(await HitAsync(pulse, 13, T0.AddSeconds(3)), Is.EqualTo(3));
        Assert.That(await HitAsync(Guid.CreateVersion7(), 11, T0.AddSeconds(4)), Is.EqualTo(1), "another pulse counts alone");
        Assert.That(await RowsAsync(pulse), Is.EqualTo(3));
    }

    [Test]
    public async Task After_the_window_a_fetch_is_recorded_again()
    {
        var pulse = Guid.CreateVersion7();
        await HitAsync(pulse, 11, T0);
        Assert.That(await HitAsync(pulse, 12, T0 + Window + TimeSpan.FromSeconds(1)), Is.EqualTo(1), "the old fetch is outside");
        Assert.That(await HitAsync(pulse, 11, T0 + Window + TimeSpan.FromSeconds(2)), Is.EqualTo(2));
        Assert.That(await RowsAsync(pulse), Is.EqualTo(3));
    }
}
