using Monitor.Core.Evaluation;
using Monitor.Core.Outreach;
using Monitor.Core.Users;

namespace Monitor.Tests.Outreach;

/// <summary>The "who to visit this week" rules: one line per person, the most urgent reason, explained.</summary>
public sealed class WhoToVisitTests
{
    // A Thursday.
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
    private static readonly OutreachRules Rules = new();

    internal static User U(string id, DateOnly? joined = null, bool active = true, string dept = "Finance",
        Rank rank = Rank.IndividualContributor) =>
        new(id, $"{id}@example.com", $"User {id}", dept, "Paris", null, rank, "UTC", "en", active, false, joined);

    private static OutreachFacts F(User u, SatisfactionState state = SatisfactionState.Up, DateTimeOffset? unhappySince = null,
        DateTimeOffset? visit = null, DateOnly? followUp = null, DateTimeOffset? ticket = null) =>
        new(u, state, unhappySince, visit is { } v ? new LastVisit(v, followUp) : null, ticket);

    private static OutreachLine? Line(OutreachFacts f) => WhoToVisit.LineFor(f, Now, Rules);

    [Test]
    public void A_red_user_without_a_visit_since_going_red_is_listed_with_the_date()
    {
        var line = Line(F(U("a"), SatisfactionState.Down, Now.AddDays(-2), visit: Now.AddDays(-10)));
        Assert.That(line!.Reason, Is.EqualTo(OutreachReason.Red));
        Assert.That(line.Explanation, Is.EqualTo("red since 2026-11-24, no visit since"));
        Assert.That(Line(F(U("a"), SatisfactionState.Degraded, Now.AddDays(-1)))!.Explanation, Does.StartWith("amber since 2026-11-25"));
    }

    [Test]
    public void A_visit_after_going_red_takes_the_user_off_the_list()
    {
        Assert.That(Line(F(U("a"), SatisfactionState.Down, Now.AddDays(-2), visit: Now.AddDays(-1))), Is.Null);
    }

    [Test]
    public void A_due_follow_up_is_listed_until_a_later_visit()
    {
        var line = Line(F(U("a"), visit: Now.AddDays(-20), followUp: new DateOnly(2026, 11, 28)));
        Assert.That(line!.Reason, Is.EqualTo(OutreachReason.FollowUpDue));
        Assert.That(line.Explanation, Is.EqualTo("follow-up due 2026-11-28 (visit of 2026-11-06)"));
        // Beyond this week: not yet.
        Assert.That(Line(F(U("a"), visit: Now.AddDays(-20), followUp: new DateOnly(2026, 12, 10))), Is.Null);
    }

    [Test]
    public void A_new_hire_gets_a_welcome_visit_within_the_welcome_weeks_only()
    {
        var line = Line(F(U("a", joined: new DateOnly(2026, 11, 16)), ticket: Now));
        Assert.That(line!.Reason, Is.EqualTo(OutreachReason.Welcome));
        Assert.That(line.Explanation, Is.EqualTo("joined 2026-11-16: welcome visit"));
        Assert.That(Line(F(U("a", joined: new DateOnly(2026, 10, 1)), ticket: Now)), Is.Null, "joined over 4 weeks ago");
        Assert.That(Line(F(U("a", joined: new DateOnly(2026, 12, 1)), ticket: Now)), Is.Null, "not joined yet");
        Assert.That(Line(F(U("a", joined: new DateOnly(2026, 11, 16)), visit: Now.AddDays(-3))), Is.Null, "already welcomed");
    }

    [Test]
    public void No_contact_in_the_period_without_a_ticket_is_listed_and_a_recent_ticket_or_visit_is_not()
    {
        var never = Line(F(U("a")));
        Assert.That(never!.Reason, Is.EqualTo(OutreachReason.NoContact));
        Assert.That(never.Explanation, Is.EqualTo("never contacted by IT, no ticket open"));
        var old = Line(F(U("a"), visit: Now.AddDays(-91)));
        Assert.That(old!.Explanation, Is.EqualTo("no contact since 2026-08-27 (over 90 days), no ticket open"));
        Assert.That(Line(F(U("a"), visit: Now.AddDays(-89))), Is.Null);
        Assert.That(Line(F(U("a"), ticket: Now.AddDays(-13))), Is.Null, "a ticket in the last 14 days counts as open");
        Assert.That(Line(F(U("a"), ticket: Now.AddDays(-15)))!.Reason, Is.EqualTo(OutreachReason.NoContact));
    }

    [Test]
    public void The_list_has_one_line_per_person_most_urgent_first_and_skips_inactive_users()
    {
        var lines = WhoToVisit.Compute(
        [
            F(U("n")),
            F(U("r2"), SatisfactionState.Down, Now.AddDays(-1)),
            F(U("w", joined: new DateOnly(2026, 11, 20))),
            F(U("r1"), SatisfactionState.Down, Now.AddDays(-5)),
            F(U("a"), SatisfactionState.Degraded, Now.AddDays(-1)),
            F(U("x", active: false), SatisfactionState.Down, Now.AddDays(-1)),
        ], Now, Rules);
        Assert.That(lines.Select(l => (l.User.Id, l.Reason)), Is.EqualTo(new[]
        {
            ("r1", OutreachReason.Red), ("r2", OutreachReason.Red), ("a", OutreachReason.Amber),
            ("w", OutreachReason.Welcome), ("n", OutreachReason.NoContact),
        }));
    }

    [Test]
    public void Working_days_skip_the_weekend()
    {
        var friday = new DateTimeOffset(2026, 11, 27, 16, 0, 0, TimeSpan.Zero);
        Assert.That(WorkingDays.Deadline(friday, 3), Is.EqualTo(new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero)),
            "Friday + 3 working days: until the end of Wednesday");
        Assert.That(WorkingDays.Deadline(Now, 3), Is.EqualTo(new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero)),
            "Thursday + 3 working days: until the end of Tuesday");
    }

    [TestCase("in_person", 0.5, "ada", true)]
    [TestCase("lunch", null, "ada", true)]
    [TestCase("visit", 0.5, "ada", false)]
    [TestCase("call", 0.3, "ada", false)]
    [TestCase("call", -2.0, "ada", false)]
    [TestCase("chat", 1.0, " ", false)]
    public void A_visit_request_is_valid_only_with_a_known_kind_one_of_the_five_feelings_and_a_visitor(string kind, double? feeling,
        string by, bool valid)
    {
        Assert.That(new VisitRequest(kind, feeling, by, null, null, null).Validate(Now), valid ? Is.Empty : Is.Not.Empty);
    }

    [Test]
    public void A_visit_request_names_every_problem()
    {
        var problems = new VisitRequest("x", 0.1, null, Now.AddDays(1), new string('n', 5000), new DateOnly(2020, 1, 1)).Validate(Now);
        Assert.That(problems, Has.Count.EqualTo(6));
        Assert.That(string.Join(" ", problems),
            Does.Contain("kind").And.Contain("feeling").And.Contain("by").And.Contain("at is in the future")
            .And.Contain("notes").And.Contain("followUpOn"));
    }
}
