using Monitor.Core.Users;

namespace Monitor.Core.Outreach;

/// <summary>
/// Draws people for lunch with IT: random (seeded, so a draw can be repeated and checked), spread across
/// departments and ranks, never someone invited within the cooldown, never an inactive user.
/// </summary>
public static class LunchDraw
{
    /// <param name="recentlyInvited">Users invited within <c>Outreach:LunchCooldown</c>.</param>
    public static IReadOnlyList<User> Draw(IEnumerable<User> users, IReadOnlySet<string> recentlyInvited, int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var random = new Random(seed);
        // Sorted first so that the draw depends on the seed only, not on the order the store returned.
        var departments = users
            .Where(u => u.Active && !recentlyInvited.Contains(u.Id))
            .OrderBy(u => u.Id, StringComparer.Ordinal)
            .GroupBy(u => u.Department, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new Queue<User>(InterleaveRanks(g.ToList(), random)))
            .ToList();
        Shuffle(departments, random);

        // Round-robin over the departments: department counts differ by at most one while every department has people left.
        var drawn = new List<User>(count);
        while (drawn.Count < count && departments.Count > 0)
        {
            foreach (var department in departments.ToList())
            {
                if (drawn.Count == count) break;
                drawn.Add(department.Dequeue());
                if (department.Count == 0) departments.Remove(department);
            }
        }
        return drawn;
    }

    // Within a department, shuffled people taken rank by rank in turn (from a random rank), so that a
    // department's second seat goes to another rank when it has one.
    private static List<User> InterleaveRanks(List<User> people, Random random)
    {
        var ranks = people.GroupBy(u => u.Rank).OrderBy(g => g.Key).Select(g =>
        {
            var list = g.ToList();
            Shuffle(list, random);
            return new Queue<User>(list);
        }).ToList();
        Shuffle(ranks, random);
        var result = new List<User>(people.Count);
        while (ranks.Count > 0)
        {
            foreach (var rank in ranks.ToList())
            {
                result.Add(rank.Dequeue());
                if (rank.Count == 0) ranks.Remove(rank);
            }
        }
        return result;
    }

    private static void Shuffle<T>(List<T> list, Random random)
    {
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }
}
