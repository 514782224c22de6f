using Monitor.Core.Evaluation;
using Monitor.Core.Objectives;
using Monitor.Core.Ports;
using Monitor.Core.Signals;
using static Monitor.Tests.Objectives.ObjectiveScenario;

namespace Monitor.Tests.Objectives;

/// <summary>The SLI and the monthly report computed from recorded states, against answers worked out by hand.</summary>
public sealed class ObjectiveMeasureTests
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);
    private static ILookup<string, DowntimeSpan> Spans => DowntimeSpans.ToLookup(s => s.UserId);

    [Test]
    public void The_month_leaves_out_downtime_and_unknown_and_counts_down_time()
    {
        var m = ObjectiveMeasure.Of(Histories(), Spans, October, November);
        Assert.That(m.EligibleMs, Is.EqualTo(105 * Day.TotalMilliseconds));
        Assert.That(m.DownMs, Is.EqualTo(18 * Day.TotalMilliseconds));
        Assert.That(m.Users, Is.EqualTo(5));
        Assert.That(m.Achieved, Is.EqualTo(Achieved).Within(1e-12));
        Assert.That(m.BudgetLeft(0.9), Is.EqualTo(BudgetLeft).Within(1e-12));
    }

    [Test]
    public void Without_downtime_the_leave_counts_against_the_objective()
    {
        // The check that the spans matter: f4's 28 days down and f5's 7 days up come back.
        var m = ObjectiveMeasure.Of(Histories(), Enumerable.Empty<DowntimeSpan>().ToLookup(s => s.UserId), October, November);
        Assert.That(m.EligibleMs / Day.TotalMilliseconds, Is.EqualTo(105 + 28 + 7).Within(1e-9));
        Assert.That(m.DownMs / Day.TotalMilliseconds, Is.EqualTo(18 + 28).Within(1e-9));
    }

    [Test]
    public void Overlapping_downtime_spans_are_not_subtracted_twice()
    {
        var h = new UserHistory("x", "D", SatisfactionState.Down, []);
        var (eligible, down) = ObjectiveMeasure.User(h,
            [
                new DowntimeSpan("x", Oct(2), Oct(5), false), new DowntimeSpan("x", Oct(3), Oct(4), false),
                new DowntimeSpan("x", Oct(4), Oct(6), false),
            ],
            Oct(1), Oct(11));
        Assert.That(eligible / Day.TotalMilliseconds, Is.EqualTo(6).Within(1e-9));
        Assert.That(down, Is.EqualTo(eligible));
    }

    [Test]
    public void Nobody_eligible_gives_no_figure_rather_than_a_perfect_one()
    {
        var m = ObjectiveMeasure.Of([new UserHistory("x", "D", SatisfactionState.Unknown, [])], Spans, October, November);
        Assert.That(m.Achieved, Is.Null);
        Assert.That(m.BudgetLeft(0.9), Is.Null);
    }

    [Test]
    public void The_report_has_the_weeks_the_worst_weeks_and_withholds_small_weeks()
    {
        var r = DepartmentMonth.Build(Department, October, November, 0.9, Histories(), Spans, [], minGroupSize: 3);
        Assert.That(r.Achieved, Is.EqualTo(Achieved).Within(1e-12));
        Assert.That(r.BudgetLeft, Is.EqualTo(BudgetLeft).Within(1e-12));
        Assert.That(r.Weeks.Select(w => w.From), Is.EqualTo(new[] { Oct(1), Oct(8), Oct(15), Oct(22), Oct(29) }));
        Assert.That(r.Weeks[^1].Until, Is.EqualTo(November));
        Assert.That(r.Weeks.Select(w => w.Users), Is.EqualTo(new[] { 3, 2, 4, 4, 5 }));
        Assert.That(r.Weeks[0].Achieved, Is.EqualTo(14.0 / 21).Within(1e-12));
        Assert.That(r.Weeks[1].Achieved, Is.Null, "two users: under the threshold of three");
        Assert.That(r.Weeks[2].Achieved, Is.EqualTo(22.0 / 27).Within(1e-12));
        Assert.That(r.Weeks[3].Achieved, Is.EqualTo(1.0));
        Assert.That(r.Weeks[4].Achieved, Is.EqualTo(12.0 / 15).Within(1e-12));
        Assert.That(r.WorstWeeks.Select(w => w.From), Is.EqualTo(new[] { Oct(1), Oct(29) }));
    }

    [Test]
    public void A_department_under_the_threshold_shows_no_figures()
    {
        var r = DepartmentMonth.Build(Department, October, November, 0.9, Histories(), Spans, [], minGroupSize: 6);
        Assert.That((r.Achieved, r.BudgetLeft), Is.EqualTo(((double?)null, (double?)null)));
        Assert.That(r.WorstWeeks, Is.Empty);
        Assert.That(r.Weeks.Select(w => w.Achieved), Has.All.Null);
    }

    [Test]
    public void Top_factors_count_distinct_users_going_down_outside_downtime_and_only_above_the_threshold()
    {
        SignalRef Ref(string kind, double score = -0.5) => new(kind, "s", score, Oct(3));
        StateChange Down(string user, int day, params SignalRef[] causes) =>
            new(user, SatisfactionState.Up, SatisfactionState.Down, Oct(day), -0.5, causes);
        UserHistory H(string user, params StateChange[] changes) => new(user, "D", SatisfactionState.Up, changes);
        var histories = new[]
        {
            H("a", Down("a", 3, Ref("ticket_reopened"), Ref("pulse_answer")), Down("a", 9, Ref("ticket_reopened"))),
            H("b", Down("b", 4, Ref("ticket_reopened"), Ref("pulse_answer"))),
            H("c", Down("c", 5, Ref("ticket_reopened"), Ref("touchpoint", 0.4))),
            H("d", Down("d", 6, Ref("pulse_answer"), Ref("touchpoint", 0.4))),
            // In downtime when it went down: not a factor of the month.
            H("e", Down("e", 7, Ref("touchpoint"), Ref("pulse_answer"))),
        };
        var spans = new[] { new DowntimeSpan("e", Oct(6), Oct(8), false) }.ToLookup(s => s.UserId);
        var r = DepartmentMonth.Build("D", October, November, 0.9, histories, spans, [], minGroupSize: 3);
        // ticket_reopened: a, b, c (a twice counts once); pulse_answer: a, b, d; touchpoint: only as a positive cause.
        Assert.That(r.TopFactors, Is.EqualTo(new[] { new FactorFigure("pulse_answer", 3), new FactorFigure("ticket_reopened", 3) }));
    }
}
