using FsCheck;
using Monitor.Core.Evaluation;
using Monitor.Core.Groups;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;

namespace Monitor.Tests.Core;

public sealed class GroupDisclosureTests
{
    private const SatisfactionState Up = SatisfactionState.Up;

    private static Respondent P(string id, string department, string site, double? score, SatisfactionState state = Up) =>
        new(id, department, site, state, score);

    private static double? Mean(IEnumerable<GroupSummary> groups, string type, string group) =>
        groups.Single(g => g.GroupType == type && g.Group == group).Score;

    private static GroupSummary? Find(IEnumerable<GroupSummary> groups, string type, string group) =>
        groups.SingleOrDefault(g => g.GroupType == type && g.Group == group);

    // ---- The attack of the issue, and its two variants, on today's roll-up and on the disclosure ----

    /// <summary>Sales: five people answered, then Alice answers for the first time.</summary>
    private static readonly Respondent[] SalesBefore =
        [.. Enumerable.Range(1, 5).Select(i => P($"s{i}", "Sales", "Berlin", 0.6)), P("alice", "Sales", "Berlin", null)];

    private static readonly Respondent[] SalesAfter = [.. SalesBefore[..5], P("alice", "Sales", "Berlin", -1.0)];

    [Test]
    public void The_issues_attack_reads_alices_answer_off_todays_rollup()
    {
        var before = GroupRollup.Summarise(SalesBefore.Select(Member), 5);
        var after = GroupRollup.Summarise(SalesAfter.Select(Member), 5);
        var recovered = (6 * Mean(after, "department", "Sales")!.Value) - (5 * Mean(before, "department", "Sales")!.Value);
        Assert.That(recovered, Is.EqualTo(-1.0).Within(1e-9));
    }

    [Test]
    public void The_issues_attack_gets_nothing_from_the_disclosure()
    {
        var disclosure = new GroupDisclosure(new PrivacyThresholds());
        var before = disclosure.Publish(SalesBefore).Groups;
        var after = disclosure.Publish(SalesAfter).Groups;
        // Alice alone answered: the published mean waits for at least four more people to change.
        Assert.That(Mean(after, "department", "Sales"), Is.EqualTo(Mean(before, "department", "Sales")));
        var recovered = (6 * Mean(after, "department", "Sales")!.Value) - (5 * Mean(before, "department", "Sales")!.Value);
        Assert.That(recovered, Is.Not.EqualTo(-1.0).Within(0.5));
        Assert.That(Attack(disclosure, SalesBefore, SalesAfter).RecoveredScores(), Is.Empty);
        Assert.That(Raw(SalesBefore, SalesAfter).RecoveredScores(), Is.EquivalentTo(new[] { "alice" }));
    }

    /// <summary>
    /// Department D: four people at site S, Ben and Bob at site T. Site S: those four and five of department E.
    /// Bob answers for the first time together with the four: D moves by the five, S by the four, and D − S is Bob.
    /// </summary>
    [Test]
    public void A_department_against_a_site_that_shares_members_does_not_give_the_one_outside_away()
    {
        Respondent[] before =
        [
            .. Enumerable.Range(1, 4).Select(i => P($"x{i}", "D", "S", 0.5)), P("bob", "D", "T", null), P("ben", "D", "T", 0.0),
            .. Enumerable.Range(1, 5).Select(i => P($"y{i}", "E", "S", 0.0)),
            .. Enumerable.Range(1, 5).Select(i => P($"z{i}", "E", "T", 0.0)),
        ];
        var after = before.Select(p => p.Id.StartsWith('x') ? p with { Score = -0.5 } : p.Id == "bob" ? p with { Score = 1.0 } : p)
            .ToArray();
        double BobFrom(IReadOnlyList<GroupSummary> b, IReadOnlyList<GroupSummary> a) =>
            ((6 * Mean(a, "department", "D")!.Value) - (5 * Mean(b, "department", "D")!.Value))
            - (9 * (Mean(a, "site", "S")!.Value - Mean(b, "site", "S")!.Value));

        var raw = BobFrom(GroupRollup.Summarise(before.Select(Member), 5), GroupRollup.Summarise(after.Select(Member), 5));
        Assert.That(raw, Is.EqualTo(1.0).Within(1e-9), "today's roll-up gives Bob away");

        var disclosure = new GroupDisclosure(new PrivacyThresholds());
        var b = disclosure.Publish(before).Groups;
        var a = disclosure.Publish(after).Groups;
        Assert.That(Mean(b, "department", "D"), Is.Not.Null);
        Assert.That(Mean(b, "site", "S"), Is.Not.Null);
        Assert.That(BobFrom(b, a), Is.Not.EqualTo(1.0).Within(0.5));
        Assert.That(Attack(new GroupDisclosure(new PrivacyThresholds()), before, after).RecoveredScores(), Is.Empty);
        Assert.That(Raw(before, after).RecoveredScores(), Does.Contain("bob"));
    }

    /// <summary>Site Berlin: six of Sales, six of Ops and Lea, alone in Legal. Berlin minus Sales minus Ops is Lea.</summary>
    [Test]
    public void A_site_minus_its_published_departments_does_not_give_the_small_one_away()
    {
        Respondent[] people =
        [
            .. Enumerable.Range(1, 6).Select(i => P($"s{i}", "Sales", "Berlin", 0.5)),
            .. Enumerable.Range(1, 6).Select(i => P($"o{i}", "Ops", "Berlin", 0.0)), P("lea", "Legal", "Berlin", -1.0),
        ];
        var raw = GroupRollup.Summarise(people.Select(Member), 5);
        var lea = (13 * Mean(raw, "site", "Berlin")!.Value) - (6 * Mean(raw, "department", "Sales")!.Value)
                  - (6 * Mean(raw, "department", "Ops")!.Value);
        Assert.That(lea, Is.EqualTo(-1.0).Within(1e-9), "today's roll-up gives Lea away");

        var published = new GroupDisclosure(new PrivacyThresholds()).Publish(people).Groups;
        var withheld = new[] { ("site", "Berlin"), ("department", "Sales"), ("department", "Ops") }
            .Count(k => Find(published, k.Item1, k.Item2)?.Score is null);
        Assert.That(withheld, Is.GreaterThanOrEqualTo(1), "one more group is withheld next to Legal");
        Assert.That(Find(published, "department", "Legal"), Is.Null);
        Assert.That(Attack(new GroupDisclosure(new PrivacyThresholds()), people).RecoveredScores(), Is.Empty);
        Assert.That(Attack(new GroupDisclosure(new PrivacyThresholds()), people).RecoveredStates(), Is.Empty);
    }

    [Test]
    public void A_red_count_does_not_move_when_one_person_turns_red()
    {
        var before = Enumerable.Range(1, 6).Select(i => P($"u{i}", "Sales", "Berlin", 0.5)).ToArray();
        var after = before.Select(p => p.Id == "u1" ? p with { State = SatisfactionState.Down, Score = -1 } : p).ToArray();
        var disclosure = new GroupDisclosure(new PrivacyThresholds());
        disclosure.Publish(before);
        var sales = Find(disclosure.Publish(after).Groups, "department", "Sales")!;
        Assert.That(sales.Users[SatisfactionState.Down], Is.Zero);
        Assert.That(sales.Users[SatisfactionState.Up], Is.EqualTo(6));
        var everyone = after.Select(p => p.Id is "u2" or "u3" or "u4" or "u5"
            ? p with { State = SatisfactionState.Degraded, Score = 0 }
            : p);
        sales = Find(disclosure.Publish(everyone).Groups, "department", "Sales")!;
        Assert.That(sales.Users[SatisfactionState.Down], Is.EqualTo(1), "five changes together are published");
        Assert.That(sales.Users[SatisfactionState.Degraded], Is.EqualTo(4));
    }

    // ---- Properties ----

    [Property(MaxTest = 150)]
    public bool No_sequence_of_snapshots_isolates_anyones_score_or_state(int seed, int salt)
    {
        var scenario = new GroupScenario(unchecked((seed * 7919) + salt));
        var thresholds = new PrivacyThresholds(MinGroupSize: 3 + (Math.Abs(salt) % 3));
        var disclosure = new GroupDisclosure(thresholds);
        var attacker = new DifferencingAttacker();
        for (var step = 0; step < 10; step++)
        {
            var published = disclosure.Publish(scenario.People);
            attacker.Observe(published.Groups, published.CountBasis, published.ScoreBasis);
            scenario.Step();
        }
        return attacker.RecoveredScores().Count == 0 && attacker.RecoveredStates().Count == 0;
    }

    [Test]
    public void The_same_attacker_breaks_todays_rollup_on_the_same_scenarios()
    {
        var broken = 0;
        for (var seed = 0; seed < 100; seed++)
        {
            var scenario = new GroupScenario(seed);
            var attacker = new DifferencingAttacker();
            for (var step = 0; step < 10; step++)
            {
                attacker.ObserveRaw(scenario.People, 5);
                scenario.Step();
            }
            if (attacker.RecoveredScores().Count + attacker.RecoveredStates().Count > 0) broken++;
        }
        Assert.That(broken, Is.GreaterThan(50));
    }

    /// <summary>
    /// Large cells (every department-at-site has twice the threshold), each refresh some cells where at least
    /// the threshold of people answer: the published means follow the live means within half a rounding step.
    /// </summary>
    [Property(MaxTest = 60)]
    public bool With_many_changes_in_large_groups_the_published_means_track_the_live_ones(int seed)
    {
        var random = new Random(seed);
        var thresholds = new PrivacyThresholds();
        var cellSize = (2 * thresholds.MinGroupSize) + random.Next(6);
        var people = (from d in Enumerable.Range(0, random.Next(1, 4))
                      from s in Enumerable.Range(0, random.Next(1, 4))
                      from i in Enumerable.Range(0, cellSize)
                      select P($"D{d}S{s}-{i}", $"D{d}", $"S{s}", random.Next(-4, 5) / 4.0)).ToList();
        var disclosure = new GroupDisclosure(thresholds);
        for (var step = 0; step < 6; step++)
        {
            if (step > 0)
                foreach (var cell in people.GroupBy(p => (p.Department, p.Site)).Where(_ => random.Next(2) == 0).ToList())
                    foreach (var p in cell.OrderBy(_ => random.Next()).Take(random.Next(thresholds.MinGroupSize, cellSize + 1)))
                        people[people.IndexOf(p)] = p with { Score = ((p.Score!.Value * 4) + 4 + random.Next(1, 9)) % 9 / 4.0 - 1 };
            var published = disclosure.Publish(people).Groups;
            foreach (var g in people.GroupBy(p => p.Department).Select(g => ("department", g.Key, g.Average(p => p.Score!.Value)))
                         .Concat(people.GroupBy(p => p.Site).Select(g => ("site", g.Key, g.Average(p => p.Score!.Value)))))
            {
                var mean = Mean(published, g.Item1, g.Key);
                if (mean is null || Math.Abs(mean.Value - g.Item3) > (thresholds.ScoreStep / 2) + 1e-9) return false;
                if (Math.Abs((mean.Value / thresholds.ScoreStep) - Math.Round(mean.Value / thresholds.ScoreStep)) > 1e-6) return false;
            }
        }
        return true;
    }

    [Test]
    public void A_threshold_of_one_publishes_todays_figures_rounded_at_every_refresh()
    {
        var scenario = new GroupScenario(7);
        var disclosure = new GroupDisclosure(new PrivacyThresholds(MinGroupSize: 1));
        for (var step = 0; step < 5; step++)
        {
            var published = disclosure.Publish(scenario.People).Groups;
            var raw = GroupRollup.Summarise(scenario.People.Select(Member), 1);
            Assert.That(published.Select(g => (g.GroupType, g.Group)), Is.EqualTo(raw.Select(g => (g.GroupType, g.Group))));
            foreach (var (p, r) in published.Zip(raw))
            {
                Assert.That(p.Users, Is.EqualTo(r.Users));
                Assert.That(p.Score, r.Score is null ? Is.Null : Is.EqualTo(r.Score.Value).Within(0.025 + 1e-9));
            }
            scenario.Step();
        }
    }

    [Test]
    public void Thresholds_name_their_keys_when_wrong()
    {
        Assert.That(new PrivacyThresholds().Validate(), Is.Empty);
        var problems = new PrivacyThresholds(0, 0, 0).Validate().ToList();
        Assert.That(problems, Has.Count.EqualTo(3));
        Assert.That(problems, Has.Some.StartsWith("Privacy:MinGroupSize"));
        Assert.That(problems, Has.Some.StartsWith("Privacy:MinCommentGroupSize"));
        Assert.That(problems, Has.Some.StartsWith("Privacy:ScoreStep"));
        Assert.Throws<ArgumentException>(() => _ = new GroupDisclosure(new PrivacyThresholds(MinGroupSize: 0)));
    }

    private static GroupMember Member(Respondent p) => new(p.Department, p.Site, p.State, p.Score);

    private static DifferencingAttacker Attack(GroupDisclosure disclosure, params IReadOnlyList<Respondent>[] snapshots)
    {
        var attacker = new DifferencingAttacker();
        foreach (var s in snapshots)
        {
            var published = disclosure.Publish(s);
            attacker.Observe(published.Groups, published.CountBasis, published.ScoreBasis);
        }
        return attacker;
    }

    private static DifferencingAttacker Raw(params IReadOnlyList<Respondent>[] snapshots)
    {
        var attacker = new DifferencingAttacker();
        foreach (var s in snapshots) attacker.ObserveRaw(s, 5);
        return attacker;
    }
}
