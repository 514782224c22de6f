using System.Text;
using Monitor.Core.Evaluation;
using Monitor.Worker.Exporter;
using Monitor.Worker.Storage;
using Prometheus;

namespace Monitor.Tests.Exporter;

/// <summary>
/// The per-user families are written by hand from a snapshot instead of by prometheus-net from a labelled child per
/// user and family (issue 13: memory at 100,000 users). The scrape must not change: the same data given to
/// prometheus-net gauges in a registry of their own is the reference, in both exposition formats.
/// </summary>
public sealed class UserSeriesTests
{
    private static readonly UserFamily Plain = new("test_user_value", "A value; \"quoted\" help, [-1, 1].");
    private static readonly UserFamily Sparse = new("test_user_flag", "Present with value 1 only while set.", sparse: true);

    private static BoardRow Row(string id, string department, string site, double? score = null, bool flag = false) =>
        new(id, department, site, SatisfactionState.Up, score, null, flag, false, null);

    // Label values as a directory may hold them: quotes, backslashes, newlines, accents, an emoji, empty.
    private static readonly BoardRow[] Board =
    [
        Row("u1", "HR", "Paris", 0, flag: true),
        Row("u2", "R&D \"Labs\"", "Saint-Étienne", 1),
        Row("u3", "a\\b", "line\nbreak", -1, flag: true),
        Row("u4", "🚀 Ops", "", 0.5),
        Row("u5", "Sales", "London", -0.25),
        Row("u6", "Sales", "London", 1_764_150_000.123),
        Row("u7", "Sales", "London", 1e-7),
        Row("u8", "Sales", "London", 12_345_678_901_234_567),
        Row("u9", "Sales", "London", double.NaN),
        Row("u10", "Sales", "London", double.PositiveInfinity),
        Row("u11", "Sales", "London", -0.0),
        Row("u12", "Sales", "London", 3),
    ];

    private static double Value(BoardRow r) => r.Score ?? 0;

    private static double Flag(BoardRow r) => r.Flapping ? 1 : double.NaN;

    [TestCase(ExpositionFormat.PrometheusText)]
    [TestCase(ExpositionFormat.OpenMetricsText)]
    public async Task The_scrape_is_what_prometheus_net_wrote_for_the_same_gauges(ExpositionFormat format)
    {
        var series = new UserSeries();
        series.Publish(new UserSeriesBuilder(Board, id => "x-" + id).Add(Plain, Value).Add(Sparse, Flag).Build());

        var registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(registry);
        var plain = factory.CreateGauge(Plain.Name, "A value; \"quoted\" help, [-1, 1].", "user", "department", "site");
        var sparse = factory.CreateGauge(Sparse.Name, "Present with value 1 only while set.", "user", "department", "site");
        foreach (var r in Board)
        {
            plain.WithLabels("x-" + r.UserId, r.Department, r.Site).Set(Value(r));
            if (r.Flapping) sparse.WithLabels("x-" + r.UserId, r.Department, r.Site).Set(1);
        }

        var ours = await WriteAsync(s => series.WriteAsync(s, format, default));
        var reference = await WriteAsync(s => registry.CollectAndExportAsTextAsync(s, format, default));
        Assert.That(Families(ours), Is.EqualTo(Families(reference.Replace("# EOF\n", "", StringComparison.Ordinal))));
        Assert.That(ours, Does.Contain("test_user_value{user=\"x-u3\",department=\"a\\\\b\",site=\"line\\nbreak\"} -1"),
            "escaped as the format wants, in the order user, department, site");
    }

    [TestCase(ExpositionFormat.PrometheusText)]
    [TestCase(ExpositionFormat.OpenMetricsText)]
    public async Task No_users_give_the_families_prometheus_net_gave_without_children(ExpositionFormat format)
    {
        var series = new UserSeries();
        series.Publish(new UserSeriesBuilder([], id => id).Add(Plain, Value).Add(Sparse, Flag).Build());
        var registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(registry);
        factory.CreateGauge(Plain.Name, "A value; \"quoted\" help, [-1, 1].", "user", "department", "site");
        factory.CreateGauge(Sparse.Name, "Present with value 1 only while set.", "user", "department", "site");

        var ours = await WriteAsync(s => series.WriteAsync(s, format, default));
        var reference = await WriteAsync(s => registry.CollectAndExportAsTextAsync(s, format, default));
        Assert.That(ours, Is.EqualTo(reference.Replace("# EOF\n", "", StringComparison.Ordinal)));
    }

    [Test]
    public async Task A_scrape_larger_than_the_write_buffer_and_a_huge_label_come_out_whole()
    {
        var huge = new string('d', 300_000);
        var board = Enumerable.Range(0, 5_000).Select(i => Row($"u{i}", i == 2_500 ? huge : "HR", "Paris", i)).ToArray();
        var series = new UserSeries();
        series.Publish(new UserSeriesBuilder(board, id => id).Add(Plain, Value).Build());

        var lines = (await WriteAsync(s => series.WriteAsync(s, ExpositionFormat.PrometheusText, default))).Split('\n');
        Assert.That(lines.Count(l => l.StartsWith("test_user_value{", StringComparison.Ordinal)), Is.EqualTo(5_000));
        Assert.That(lines, Does.Contain($"test_user_value{{user=\"u2500\",department=\"{huge}\",site=\"Paris\"}} 2500"));
        Assert.That(lines, Does.Contain("test_user_value{user=\"u4999\",department=\"HR\",site=\"Paris\"} 4999"));
    }

    [Test]
    public async Task A_family_not_added_yet_keeps_its_values_while_the_users_are_the_same_and_goes_when_they_change()
    {
        var series = new UserSeries();
        BoardRow[] two = [Row("u1", "HR", "Paris", 0.5, flag: true), Row("u2", "HR", "Paris", -0.5)];
        series.Publish(new UserSeriesBuilder(two, id => id, series).Add(Plain, Value).Add(Sparse, Flag).Build());

        // The next refresh published without the second family (its contributor failed).
        series.Publish(new UserSeriesBuilder([two[0] with { Score = 1 }, two[1]], id => id, series).Add(Plain, Value).Build());
        var text = await WriteAsync(s => series.WriteAsync(s, ExpositionFormat.PrometheusText, default));
        Assert.That(text, Does.Contain("test_user_value{user=\"u1\",department=\"HR\",site=\"Paris\"} 1\n"));
        Assert.That(text, Does.Contain("test_user_flag{user=\"u1\",department=\"HR\",site=\"Paris\"} 1\n"), "kept");

        // Someone left: the old column no longer lines up with the users, so it is not shown until added again.
        series.Publish(new UserSeriesBuilder([two[0]], id => id, series).Add(Plain, Value).Build());
        text = await WriteAsync(s => series.WriteAsync(s, ExpositionFormat.PrometheusText, default));
        Assert.That(text, Does.Not.Contain("test_user_flag"));
        Assert.That(text, Does.Not.Contain("u2"));
    }

    private static async Task<string> WriteAsync(Func<Stream, Task> write)
    {
        using var stream = new MemoryStream();
        await write(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Each family's declaration and its set of sample lines: prometheus-net's child order is its dictionary's.</summary>
    private static Dictionary<string, string[]> Families(string text) =>
        text.Split("# HELP ", StringSplitOptions.RemoveEmptyEntries).ToDictionary(
            block => block[..block.IndexOf('\n')],
            block => block.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Order(StringComparer.Ordinal).ToArray());
}
