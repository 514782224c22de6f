using System.Text;
using Monitor.Core.Evaluation;
using Monitor.Worker.Exporter;
using Monitor.Worker.Storage;
using Prometheus;

namespace Monitor.Tests.Exporter;

/// <summary>
/// A refresh over the same users shares the published label buffer instead of copying it again (issue 13: peak
/// memory), and one over other users gets its own: the scrape is the same either way.
/// </summary>
public sealed class UserSeriesReuseTests
{
    private static readonly UserFamily Value = new("test_user_value", "A value.");

    private static BoardRow Row(string id, string site, double score) =>
        new(id, "Sales", site, SatisfactionState.Up, score, null, false, false, null);

    private static async Task<string> ScrapeAsync(UserSeries series)
    {
        using var stream = new MemoryStream();
        await series.WriteAsync(stream, ExpositionFormat.PrometheusText, default);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    [Test]
    public async Task The_same_users_share_the_published_labels_and_other_users_get_their_own()
    {
        var series = new UserSeries();
        BoardRow[] first = [Row("u1", "Paris", 0.5), Row("u2", "London", -1)];
        series.Publish(new UserSeriesBuilder(first, id => id, series).Add(Value, r => r.Score ?? 0).Build());
        var published = series.Current;

        BoardRow[] again = [Row("u1", "Paris", 1), Row("u2", "London", 0)];
        series.Publish(new UserSeriesBuilder(again, id => id, series).Add(Value, r => r.Score ?? 0).Build());

        Assert.That(series.Current.Labels, Is.SameAs(published.Labels));
        Assert.That(series.Current.Offsets, Is.SameAs(published.Offsets));
        Assert.That(await ScrapeAsync(series), Does.Contain("test_user_value{user=\"u1\",department=\"Sales\",site=\"Paris\"} 1\n")
            .And.Contain("test_user_value{user=\"u2\",department=\"Sales\",site=\"London\"} 0\n"));

        BoardRow[] moved = [Row("u1", "Paris", 1), Row("u2", "Rome", 0)];
        series.Publish(new UserSeriesBuilder(moved, id => id, series).Add(Value, r => r.Score ?? 0).Build());

        Assert.That(series.Current.Labels, Is.Not.SameAs(published.Labels));
        Assert.That(await ScrapeAsync(series), Does.Contain("site=\"Rome\"} 0\n").And.Not.Contain("London"));
        Assert.That(Encoding.UTF8.GetString(published.Labels), Does.Contain("London"), "a published snapshot never changes");
    }
}
