using Monitor.Core.Evaluation;
using Monitor.Core.Objectives;
using Monitor.Core.Ports;
using Monitor.Core.Signals;
using static Monitor.Core.Evaluation.SatisfactionState;

namespace Monitor.Tests.Objectives;

/// <summary>
/// A constructed October 2026 for department Finance, with downtime and unknown periods, where the right answer is
/// worked out by hand (in days of user-time):
/// <code>
/// user  recorded states                               downtime        eligible  down
/// f1    up all month                                                  31        0
/// f2    down since September, up from Oct 11                          31        10
/// f3    unknown until Oct 16, down Oct 16-21, then up                 16        5
/// f4    down since September, all month               Oct 1-29        3         3
/// f5    up all month                                  Oct 8-15        24        0
///                                                                     105       18   → achieved 87/105 = 0.828571
/// </code>
/// Weeks (Oct 1, 8, 15, 22, 29): eligible/down 21/7, 14/3 (2 users), 27/5, 28/0, 15/3 (5 users).
/// </summary>
public static class ObjectiveScenario
{
    public const string Department = "Finance";
    public static readonly DateTimeOffset October = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset November = October.AddMonths(1);
    public const double Achieved = 87.0 / 105;
    public const double BudgetLeft = 1 - 18.0 / 105 / 0.1;

    public static DateTimeOffset Oct(int day) => October.AddDays(day - 1);

    private static readonly SignalRef Sad = new(SignalKinds.TicketSentiment, "t1", -0.8, Oct(15));

    /// <summary>Every change the evaluator would have logged, including those before the month.</summary>
    public static IReadOnlyList<StateChange> Changes { get; } =
    [
        new("f1", Unknown, Up, Oct(1).AddDays(-40), 0.5, []),
        new("f2", Unknown, Down, Oct(1).AddDays(-20), -0.7, [Sad with { ObservedAt = Oct(1).AddDays(-21) }]),
        new("f2", Down, Up, Oct(11), 0.3, []),
        new("f3", Unknown, Down, Oct(16), -0.6, [Sad]),
        new("f3", Down, Up, Oct(21), 0.2, []),
        new("f4", Unknown, Down, Oct(1).AddDays(-3), -0.9, [Sad with { ObservedAt = Oct(1).AddDays(-4) }]),
        new("f5", Unknown, Up, Oct(1).AddDays(-60), 0.4, []),
        // The user on leave all of November is outside the month entirely.
        new("f5", Up, Down, November.AddDays(2), -0.5, [Sad]),
    ];

    public static IReadOnlyList<DowntimeSpan> DowntimeSpans { get; } =
    [
        new("f4", Oct(1).AddDays(-1), Oct(29), true),
        new("f5", Oct(8), Oct(15), false),
    ];

    public static readonly string[] Users = ["f1", "f2", "f3", "f4", "f5"];

    /// <summary>The histories as the store should hand them over for October.</summary>
    public static IReadOnlyList<UserHistory> Histories() => Users.Select(u =>
    {
        var mine = Changes.Where(c => c.UserId == u).OrderBy(c => c.ChangedAt).ToList();
        var start = mine.LastOrDefault(c => c.ChangedAt <= October)?.To ?? Unknown;
        return new UserHistory(u, Department, start, mine.Where(c => c.ChangedAt > October && c.ChangedAt < November).ToList());
    }).ToList();
}
