using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Pulses;
using Monitor.Core.Signals;
using Monitor.Core.Users;
using Monitor.Probes.Pulse;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Exporter;
using Monitor.Worker.Privacy;
using Monitor.Worker.Pulse;
using Monitor.Worker.Storage;
using Monitor.Worker.Value;

namespace Monitor.Tests.Storage;

/// <summary>The value series follow the store: they go when a group drops below the threshold.</summary>
public sealed class ValueMetricsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    private static User U(string id, Rank rank) =>
        new(id, $"{id}@example.com", id, "Metrics-Dept", "Paris", null, rank, "Europe/Paris", "fr-FR", true, false);

    private static async Task<string> ScrapeAsync()
    {
        using var stream = new MemoryStream();
        await Prometheus.Metrics.DefaultRegistry.CollectAndExportAsTextAsync(stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    [Test]
    public async Task Series_appear_where_both_sides_reach_the_threshold_and_disappear_when_one_side_drops_below()
    {
        await using var db = await Stores.NewDatabaseAsync(Stores.Sqlite);
        var time = new FakeTimeProvider(T0);
        var users = new UserRepository(db, time);
        User[] everyone =
            [U("mi1", Rank.IndividualContributor), U("mi2", Rank.IndividualContributor), U("mm1", Rank.Manager), U("mm2", Rank.Executive)];
        await users.ReplaceAllAsync(everyone);
        foreach (var u in everyone)
        {
            var p = new PulseRecord(Guid.CreateVersion7(), u.Id, PulseQuestions.Value, PulseReasons.Scheduled, T0.AddDays(-2),
                T0.AddDays(1));
            await new PulseRepository(db).CreateManyAsync([new NewPulse(p, "email", u.Email, "m")], default);
            await new SignalRepository(db, time).WriteAsync(
                [new Signal(u.Id, SignalKinds.PulseAnswer, u.Rank == Rank.IndividualContributor ? 1.0 : 0.0, 1, T0.AddDays(-1),
                    PulseService.PulseSource(p.Id, 2))],
                default);
        }
        var metrics = new ValueMetrics(new ValueRepository(db), Options.Create(new ValueOptions()),
            Options.Create(new PrivacyOptions { MinGroupSize = 2 }));

        await metrics.RefreshAndPublishAsync(new MetricsRefresh([], T0));
        var text = await ScrapeAsync();
        Assert.That(text, Does.Contain(
            "satisfaction_rank_gap{group_type=\"department\",group=\"Metrics-Dept\",dimension=\"business\"} -1"));
        Assert.That(text, Does.Contain(
            "satisfaction_group_value_score{group_type=\"department\",group=\"Metrics-Dept\",dimension=\"business\"," +
            "rank=\"management\"} 0"));

        await users.ReplaceAllAsync(everyone.Where(u => u.Id != "mm2").ToList());
        await metrics.RefreshAndPublishAsync(new MetricsRefresh([], T0));
        text = await ScrapeAsync();
        Assert.That(text, Does.Not.Contain("group=\"Metrics-Dept\",dimension=\"business\"}"), "the gap went with the second manager");
        Assert.That(text, Does.Not.Contain("group=\"Metrics-Dept\",dimension=\"business\",rank=\"management\""));
        Assert.That(text, Does.Contain(
            "satisfaction_group_value_score{group_type=\"department\",group=\"Metrics-Dept\",dimension=\"business\"," +
            "rank=\"individual_contributor\"} 1"));

        await metrics.RefreshAndPublishAsync(new MetricsRefresh([], T0.AddDays(91)));
        Assert.That(await ScrapeAsync(), Does.Not.Contain("group=\"Metrics-Dept\""), "answers older than the window no longer count");
    }
}
