using Monitor.Core.Evaluation;
using Monitor.Core.Ports;

namespace Monitor.Core.Objectives;

/// <summary>An action that shipped in the month and answered feedback from the department.</summary>
public sealed record ShippedAction(string Title, DateTimeOffset ShippedAt);

/// <summary>One slice of the month (7 days; the last one shorter); <see cref="Achieved"/> null where withheld.</summary>
public sealed record WeekFigure(DateTimeOffset From, DateTimeOffset Until, double? Achieved, int Users);

/// <summary>A signal kind among the causes of users going down, with the distinct users it drove down.</summary>
public sealed record FactorFigure(string Kind, int Users);

/// <summary>
/// A department's month against its experience objective: what IT sends to the business. Figures about people are
/// null (and the lists empty) where fewer than the privacy threshold of users stand behind them.
/// </summary>
public sealed record DepartmentMonth(
    string Department,
    DateTimeOffset From,
    DateTimeOffset Until,
    double Target,
    double? Achieved,
    double? BudgetLeft,
    int Users,
    IReadOnlyList<WeekFigure> Weeks,
    IReadOnlyList<WeekFigure> WorstWeeks,
    IReadOnlyList<FactorFigure> TopFactors,
    IReadOnlyList<ShippedAction> Actions)
{
    public const int WorstWeekCount = 2;
    public const int TopFactorCount = 3;

    /// <summary>Builds the month of one department from its users' recorded states.</summary>
    /// <param name="minGroupSize">Privacy:MinGroupSize: the fewest users behind any figure or factor shown.</param>
    public static DepartmentMonth Build(string department, DateTimeOffset from, DateTimeOffset until, double target,
        IReadOnlyList<UserHistory> histories, ILookup<string, DowntimeSpan> downtime, IReadOnlyList<ShippedAction> actions,
        int minGroupSize)
    {
        var month = ObjectiveMeasure.Of(histories, downtime, from, until);
        var weeks = new List<WeekFigure>();
        for (var start = from; start < until; start = start.AddDays(7))
        {
            var end = start.AddDays(7) < until ? start.AddDays(7) : until;
            var m = ObjectiveMeasure.Of(histories, downtime, start, end);
            weeks.Add(new WeekFigure(start, end, m.Users >= minGroupSize ? m.Achieved : null, m.Users));
        }
        var shown = month.Users >= minGroupSize;
        var worst = weeks.Where(w => w.Achieved is not null).OrderBy(w => w.Achieved).ThenBy(w => w.From)
            .Take(WorstWeekCount).OrderBy(w => w.From).ToList();
        return new DepartmentMonth(department, from, until, target,
            shown ? month.Achieved : null, shown ? month.BudgetLeft(target) : null, month.Users,
            weeks, shown ? worst : [], shown ? Factors(histories, downtime, from, until, minGroupSize) : [], actions);
    }

    /// <summary>
    /// The signal kinds that caused moves into down inside the month (outside downtime), by distinct users, each shown
    /// only with at least <paramref name="minGroupSize"/> users behind it. Kinds are fixed names, never free text.
    /// </summary>
    private static List<FactorFigure> Factors(IReadOnlyList<UserHistory> histories, ILookup<string, DowntimeSpan> downtime,
        DateTimeOffset from, DateTimeOffset until, int minGroupSize)
    {
        var users = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var h in histories)
        {
            foreach (var c in h.Changes)
            {
                if (c.To != SatisfactionState.Down || c.ChangedAt < from || c.ChangedAt >= until) continue;
                if (downtime[h.UserId].Any(s => s.From <= c.ChangedAt && c.ChangedAt < s.Until)) continue;
                foreach (var kind in c.Causes.Where(r => r.Score < 0).Select(r => r.Kind).Distinct(StringComparer.Ordinal))
                {
                    if (!users.TryGetValue(kind, out var set)) users[kind] = set = new HashSet<string>(StringComparer.Ordinal);
                    set.Add(h.UserId);
                }
            }
        }
        return users.Where(kv => kv.Value.Count >= minGroupSize)
            .Select(kv => new FactorFigure(kv.Key, kv.Value.Count))
            .OrderByDescending(f => f.Users).ThenBy(f => f.Kind, StringComparer.Ordinal)
            .Take(TopFactorCount).ToList();
    }
}
