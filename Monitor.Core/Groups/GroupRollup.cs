using Monitor.Core.Evaluation;

namespace Monitor.Core.Groups;

/// <summary>One user's contribution to the group roll-ups.</summary>
public readonly record struct GroupMember(string Department, string Site, SatisfactionState State, double? Score);

/// <summary>Counts per state, and the mean score where enough distinct users answered to stay anonymous.</summary>
public sealed record GroupSummary(string GroupType, string Group, IReadOnlyDictionary<SatisfactionState, int> Users, double? Score);

public static class GroupRollup
{
    public const string Department = "department";
    public const string Site = "site";

    /// <summary>
    /// Rolls users up by department and by site. A group's score is only given when at least
    /// <paramref name="minimumUsers"/> distinct users have a score.
    /// </summary>
    /// <remarks>
    /// One snapshot, no protection across snapshots or groups: read before and after one answer, or a site next to
    /// its departments, these figures give people's answers away. Publish through <see cref="GroupDisclosure"/>.
    /// </remarks>
    public static IReadOnlyList<GroupSummary> Summarise(IEnumerable<GroupMember> members, int minimumUsers)
    {
        var list = members as IReadOnlyCollection<GroupMember> ?? members.ToList();
        return Roll(list, Department, m => m.Department, minimumUsers)
            .Concat(Roll(list, Site, m => m.Site, minimumUsers))
            .ToList();
    }

    private static IEnumerable<GroupSummary> Roll(IEnumerable<GroupMember> members, string type,
        Func<GroupMember, string> key, int minimumUsers)
    {
        foreach (var g in members.GroupBy(key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var counts = Enum.GetValues<SatisfactionState>().ToDictionary(s => s, _ => 0);
            double sum = 0;
            var scored = 0;
            foreach (var m in g)
            {
                counts[m.State]++;
                if (m.Score is { } s)
                {
                    sum += s;
                    scored++;
                }
            }
            yield return new GroupSummary(type, g.Key, counts, scored >= minimumUsers ? sum / scored : null);
        }
    }
}
