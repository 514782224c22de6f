using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Users;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Exporter;
using Monitor.Worker.Pulse;
using Monitor.Worker.Scheduling;
using Monitor.Worker.Storage;
using Prometheus;

namespace Monitor.Tests.Exporter;

/// <summary>
/// A scrape shows one whole refresh. A refresh reads the store for a while (the board, then each contributor's own
/// reads); a scrape taken meanwhile used to show the families and gauges already refreshed beside those not yet, so
/// that, say, a user's new state could be scraped without the acknowledgement a later contributor exports.
/// </summary>
[TestFixture(Stores.Sqlite)]
public sealed class AtomicScrapeTests(string provider) : OnEachStore(provider)
{
    private static readonly UserFamily Early = new("test_early_family", "Added by the first contributor.");
    private static readonly UserFamily Late = new("test_late_family", "Added by the second contributor, after its read.");

    [Test]
    public async Task A_scrape_during_a_refresh_shows_the_last_whole_refresh_and_never_waits_for_the_store()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));
        await new UserRepository(Db, time).ReplaceAllAsync(
            [new User("a", "a@example.com", "A", "Finance", "Paris", null, Rank.IndividualContributor, "Europe/Paris", "fr-FR", true, false)]);
        var registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(registry);
        var early = new Contributor(Early, factory.CreateGauge("test_early_gauge", "Set by the first contributor."), blocks: false);
        var late = new Contributor(Late, factory.CreateGauge("test_late_gauge", "Set by the second contributor."), blocks: true);
        using var series = new UserSeries();
        var pulses = new PulseRepository(Db);
        var exporter = new UserMetricsExporter(new BoardRepository(Db), new JobRunRepository(Db), ProbeCatalog.Empty, pulses, pulses,
            Options.Create(new MetricsOptions()), time, NullLogger<UserMetricsExporter>.Instance, [early, late], series: series);

        late.Release();
        await exporter.RefreshAsync(default);
        await late.Entered.WaitAsync(CancellationToken.None);
        Assert.That(Values(await ScrapeAsync(series, registry)), Is.EqualTo(new[] { 1.0, 1, 1, 1 }), "the first refresh, whole");

        // The second refresh: the first contributor has done everything, the second is still reading.
        var second = exporter.RefreshAsync(default);
        Assert.That(await late.Entered.WaitAsync(TimeSpan.FromSeconds(10)), Is.True);
        var during = await ScrapeAsync(series, registry).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(Values(during), Is.EqualTo(new[] { 1.0, 1, 1, 1 }), "still the first refresh, not half of the second:\n" + during);
        Assert.That(second.IsCompleted, Is.False);

        late.Release();
        await second.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(Values(await ScrapeAsync(series, registry)), Is.EqualTo(new[] { 2.0, 2, 2, 2 }), "the second refresh, whole");
    }

    private static async Task<string> ScrapeAsync(UserSeries series, CollectorRegistry registry)
    {
        using var output = new MemoryStream();
        await MetricsEndpoint.WriteAsync(output, ExpositionFormat.PrometheusText, series, registry, default);
        return Encoding.UTF8.GetString(output.ToArray());
    }

    // The early family, the early gauge, the late family, the late gauge, as scraped.
    private static double[] Values(string scrape) =>
        new[] { "test_early_family{", "test_early_gauge ", "test_late_family{", "test_late_gauge " }
            .Select(prefix => scrape.Split('\n').Single(l => l.StartsWith(prefix, StringComparison.Ordinal)))
            .Select(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture))
            .ToArray();

    /// <summary>Exports the number of its refresh as a per-user family and a gauge; may wait, as a slow read would.</summary>
    private sealed class Contributor(UserFamily family, Gauge gauge, bool blocks) : IMetricsContributor
    {
        private int _refreshes;
        private readonly SemaphoreSlim _go = new(0);

        /// <summary>Released once each time a refresh reaches the wait.</summary>
        public SemaphoreSlim Entered { get; } = new(0);

        public void Release() => _go.Release();

        public async Task RefreshAsync(MetricsRefresh refresh, CancellationToken cancellationToken)
        {
            var n = ++_refreshes;
            if (blocks)
            {
                Entered.Release();
                await _go.WaitAsync(cancellationToken);
            }
            refresh.Users.Add(family, _ => n);
            refresh.Publish(() => gauge.Set(n));
        }
    }
}
