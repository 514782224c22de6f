using FsCheck;
using Monitor.Core.Users;
using Monitor.Core.Value;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;

namespace Monitor.Tests.Core;

/// <summary>Means by group, rank and dimension, the rank gap, and what is withheld so that nobody can be singled out.</summary>
public sealed class ValueAlignmentTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromDays(90);

    private static ValueAnswer A(string user, Rank rank, string department, double score, string dimension = "you", int daysAgo = 1) =>
        new(user, rank, department, dimension, score, Now.AddDays(-daysAgo));

    private static double? Mean(ValueReport r, string type, string group, string rank, string dimension = "you") =>
        r.Scores.SingleOrDefault(s => s.GroupType == type && s.Group == group && s.Rank == rank && s.Dimension == dimension)?.Mean;

    private static double? Gap(ValueReport r, string type, string group, string dimension = "you") =>
        r.Gaps.SingleOrDefault(g => g.GroupType == type && g.Group == group && g.Dimension == dimension)?.Gap;

    [Test]
    public void The_gap_is_management_minus_individual_contributors_per_department_and_overall()
    {
        var report = ValueAlignment.Compute([
            A("i1", Rank.IndividualContributor, "Finance", 0.5), A("i2", Rank.IndividualContributor, "Finance", 1.0),
            A("m1", Rank.Manager, "Finance", -0.5), A("e1", Rank.Executive, "Finance", 0.0),
        ], Now, Window, threshold: 2);

        Assert.That(Mean(report, "department", "Finance", "individual_contributor"), Is.EqualTo(0.75));
        Assert.That(Mean(report, "department", "Finance", "management"), Is.EqualTo(-0.25));
        Assert.That(Gap(report, "department", "Finance"), Is.EqualTo(-1.0));
        Assert.That(Gap(report, "overall", "all"), Is.EqualTo(-1.0));
        Assert.That(Mean(report, "department", "Finance", "manager"), Is.Null, "one manager is below the threshold");
        Assert.That(Mean(report, "department", "Finance", "executive"), Is.Null, "one executive is below the threshold");
        Assert.That(report.Gaps.Select(g => g.Dimension), Has.All.EqualTo("you"), "no answers to the other dimensions");
    }

    [Test]
    public void Each_persons_latest_answer_in_the_window_counts_once()
    {
        var report = ValueAlignment.Compute([
            A("i1", Rank.IndividualContributor, "HR", -1.0, daysAgo: 10), A("i1", Rank.IndividualContributor, "HR", 1.0, daysAgo: 2),
            A("i2", Rank.IndividualContributor, "HR", 0.5), A("i3", Rank.IndividualContributor, "HR", -1.0, daysAgo: 91),
        ], Now, Window, threshold: 2);

        Assert.That(Mean(report, "department", "HR", "individual_contributor"), Is.EqualTo(0.75));
        Assert.That(report.Scores.Single(s => s.Group == "HR").Respondents, Is.EqualTo(2));
        Assert.That(report.Gaps, Is.Empty, "no management answers: no gap");
    }

    [Test]
    public void No_gap_where_one_side_is_below_the_threshold()
    {
        var report = ValueAlignment.Compute([
            A("i1", Rank.IndividualContributor, "Sales", 0.5), A("i2", Rank.IndividualContributor, "Sales", 0.5),
            A("i3", Rank.IndividualContributor, "Sales", 0.5), A("m1", Rank.Manager, "Sales", -1.0, "team"),
            A("m2", Rank.Manager, "Sales", -1.0),
        ], Now, Window, threshold: 3);

        Assert.That(Mean(report, "department", "Sales", "individual_contributor"), Is.EqualTo(0.5));
        Assert.That(Mean(report, "department", "Sales", "management"), Is.Null);
        Assert.That(report.Gaps, Is.Empty);
    }

    [Test]
    public void The_overall_figure_is_withheld_when_subtracting_the_published_departments_would_isolate_a_small_one()
    {
        // Finance's two managers are published; Legal's one manager is not. Overall managers (3) minus Finance's (2)
        // would be Legal's manager alone, so the overall manager and management figures go, and with them the overall gap.
        var report = ValueAlignment.Compute([
            A("f1", Rank.IndividualContributor, "Finance", 0.5), A("f2", Rank.IndividualContributor, "Finance", 0.5),
            A("fm1", Rank.Manager, "Finance", 0.0), A("fm2", Rank.Manager, "Finance", 0.0),
            A("l1", Rank.IndividualContributor, "Legal", 0.5), A("l2", Rank.IndividualContributor, "Legal", 0.5),
            A("lm1", Rank.Manager, "Legal", -1.0),
        ], Now, Window, threshold: 2);

        Assert.That(Mean(report, "department", "Finance", "manager"), Is.EqualTo(0.0));
        Assert.That(Gap(report, "department", "Finance"), Is.EqualTo(-0.5));
        Assert.That(Mean(report, "overall", "all", "manager"), Is.Null);
        Assert.That(Mean(report, "overall", "all", "management"), Is.Null);
        Assert.That(Gap(report, "overall", "all"), Is.Null);
        Assert.That(Mean(report, "overall", "all", "individual_contributor"), Is.EqualTo(0.5), "every department's side is published");
    }

    [Test]
    public void Management_is_withheld_when_it_minus_the_managers_would_reveal_a_lone_executive()
    {
        var report = ValueAlignment.Compute([
            A("m1", Rank.Manager, "Finance", 0.5), A("m2", Rank.Manager, "Finance", 0.5), A("e1", Rank.Executive, "Finance", -1.0),
        ], Now, Window, threshold: 2);

        Assert.That(Mean(report, "department", "Finance", "manager"), Is.EqualTo(0.5));
        Assert.That(Mean(report, "department", "Finance", "management"), Is.Null);
        Assert.That(Mean(report, "department", "Finance", "executive"), Is.Null);
    }

    // Answers from integers: 4 departments, 3 ranks, 3 dimensions, 5 scores, 12 people, ages over 100 days.
    private static List<ValueAnswer> FromInts(int[] raw) => (raw ?? []).Select(i =>
    {
        var u = (uint)i;
        var person = (int)(u % 12);
        var rank = (Rank)(person % 3);
        var department = $"d{person % 4}";
        return new ValueAnswer($"p{person}", rank, department, ValueAlignment.Dimensions[(int)(u / 12 % 3)],
            ((int)(u / 36 % 5) - 2) / 2.0, Now.AddDays(-(double)(u / 180 % 100)));
    }).ToList();

    [Property(MaxTest = 500)]
    public bool No_published_figure_comes_from_fewer_than_the_threshold_or_differences_down_to_fewer(int[] raw, PositiveInt k)
    {
        var threshold = 1 + k.Get % 4;
        var answers = FromInts(raw);
        var report = ValueAlignment.Compute(answers, Now, Window, threshold);
        var latest = answers.Where(a => a.ObservedAt > Now - Window && a.ObservedAt <= Now)
            .GroupBy(a => (a.UserId, a.Dimension))
            .Select(g => g.OrderByDescending(a => a.ObservedAt).ThenByDescending(a => a.Score).First())
            .ToList();
        foreach (var s in report.Scores)
        {
            var members = latest.Where(a => a.Dimension == s.Dimension && (s.GroupType == "overall" || a.Department == s.Group) &&
                (s.Rank == "management" ? a.Rank != Rank.IndividualContributor : ValueAlignment.RankLabel(a.Rank) == s.Rank)).ToList();
            if (members.Count < threshold || members.Count != s.Respondents) return false;
            if (Math.Abs(members.Average(a => a.Score) - s.Mean) > 1e-9) return false;
        }
        foreach (var dimension in ValueAlignment.Dimensions)
        {
            var cells = ValueSuppression.Publish(latest.Where(a => a.Dimension == dimension), threshold);
            if (cells.Any(c => c.Respondents < threshold)) return false;
            if (cells.Select(c => ValueSuppression.Residual(c, cells)).Any(r => r > 0 && r < threshold)) return false;
        }
        // A gap exists exactly where both of its sides are published, and is their difference.
        return report.Gaps.All(g => Mean(report, g.GroupType, g.Group, "management", g.Dimension) is { } m &&
                                    Mean(report, g.GroupType, g.Group, "individual_contributor", g.Dimension) is { } i &&
                                    Math.Abs(m - i - g.Gap) < 1e-9) &&
               report.Scores.Where(s => s.Rank == "management").All(m =>
                   Mean(report, m.GroupType, m.Group, "individual_contributor", m.Dimension) is null ||
                   Gap(report, m.GroupType, m.Group, m.Dimension) is not null);
    }
}
