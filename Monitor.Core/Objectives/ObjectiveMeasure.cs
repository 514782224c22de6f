using Monitor.Core.Evaluation;
using Monitor.Core.Ports;

namespace Monitor.Core.Objectives;

/// <summary>One user's recorded states over a window: the state at its start and the changes inside it.</summary>
/// <param name="Department">The user's department, for the group the figures belong to.</param>
/// <param name="StartState">The state in force at the start of the window (the last change before it; unknown if none).</param>
/// <param name="Changes">The state changes inside the window, in time order.</param>
public sealed record UserHistory(string UserId, string Department, SatisfactionState StartState, IReadOnlyList<StateChange> Changes);

/// <summary>
/// User-time over a period: how long users were eligible (in a known state, outside downtime) and how long of that
/// they were down. The experience objective's SLI is <c>1 - Down / Eligible</c>: the share of eligible user-time
/// not spent down, which is "the share of users not down", averaged over the period.
/// </summary>
/// <param name="Users">Distinct users with some eligible time (what the privacy threshold counts).</param>
public sealed record ObjectiveMeasure(double EligibleMs, double DownMs, int Users)
{
    /// <summary>The share of eligible user-time not down; null without eligible time.</summary>
    public double? Achieved => EligibleMs > 0 ? 1 - DownMs / EligibleMs : null;

    /// <summary>
    /// The error budget left, as a share of the budget <c>1 - target</c>: 1 untouched, 0 spent, negative overspent
    /// (Sloth's <c>period_error_budget_remaining</c>). Null without eligible time.
    /// </summary>
    public double? BudgetLeft(double target) => EligibleMs > 0 ? 1 - DownMs / EligibleMs / (1 - target) : null;

    /// <summary>
    /// Measures <paramref name="histories"/> over [<paramref name="from"/>, <paramref name="until"/>), leaving out the
    /// time each user spent in unknown state or inside one of their downtime spans.
    /// </summary>
    public static ObjectiveMeasure Of(IEnumerable<UserHistory> histories, ILookup<string, DowntimeSpan> downtime,
        DateTimeOffset from, DateTimeOffset until)
    {
        double eligible = 0, down = 0;
        var users = 0;
        foreach (var h in histories)
        {
            var (e, d) = User(h, downtime[h.UserId], from, until);
            eligible += e;
            down += d;
            if (e > 0) users++;
        }
        return new ObjectiveMeasure(eligible, down, users);
    }

    /// <summary>One user's eligible and down milliseconds inside [from, until).</summary>
    public static (double Eligible, double Down) User(UserHistory h, IEnumerable<DowntimeSpan> downtime,
        DateTimeOffset from, DateTimeOffset until)
    {
        var spans = downtime.Select(s => (s.From, s.Until)).ToList();
        double eligible = 0, down = 0;
        var state = h.StartState;
        var at = from;
        foreach (var c in h.Changes.Where(c => c.ChangedAt < until).OrderBy(c => c.ChangedAt))
        {
            if (c.ChangedAt <= from) { state = c.To; continue; }
            Add(state, at, c.ChangedAt);
            state = c.To;
            at = c.ChangedAt;
        }
        Add(state, at, until);
        return (eligible, down);

        void Add(SatisfactionState s, DateTimeOffset a, DateTimeOffset b)
        {
            if (s == SatisfactionState.Unknown || b <= a) return;
            var ms = Outside(a, b, spans);
            eligible += ms;
            if (s == SatisfactionState.Down) down += ms;
        }
    }

    /// <summary>The milliseconds of [a, b) not covered by any of the (possibly overlapping) spans.</summary>
    private static double Outside(DateTimeOffset a, DateTimeOffset b, List<(DateTimeOffset From, DateTimeOffset Until)> spans)
    {
        var covered = 0.0;
        var cursor = a;
        foreach (var (f, u) in spans.Where(s => s.Until > a && s.From < b).OrderBy(s => s.From))
        {
            var start = f > cursor ? f : cursor;
            var end = u < b ? u : b;
            if (end > start) covered += (end - start).TotalMilliseconds;
            if (end > cursor) cursor = end;
        }
        return (b - a).TotalMilliseconds - covered;
    }
}
