namespace Monitor.Core.Value;

/// <summary>One cell that may be published: a group, a rank label and the people it covers in one dimension.</summary>
public sealed record ValueCell(string GroupType, string Group, string Rank, double Mean, int Respondents,
    IReadOnlySet<string> Members);

/// <summary>
/// Which cells of one dimension may be published. Two rules, applied until nothing changes:
/// <list type="number">
/// <item>a cell needs at least <c>threshold</c> distinct respondents;</item>
/// <item>the residual rule: a cell is withheld when the people it covers beyond the union of the published cells
/// inside it number 1 to <c>threshold</c> − 1 — otherwise its mean minus theirs (weighted by headcounts anyone can guess
/// from the directory) would be the mean of that small residue. This is what stops "overall management" minus the
/// published departments revealing a small department's managers, and "management" minus "manager" revealing a lone
/// executive.</item>
/// </list>
/// Withholding the larger cell rather than a second small one keeps every department's own figures, which is what the
/// board is for; the overall figure is the one that goes.
/// </summary>
public static class ValueSuppression
{
    public static IReadOnlyList<ValueCell> Publish(IEnumerable<ValueAnswer> answers, int threshold)
    {
        var list = answers.ToList();
        var candidates = new List<ValueCell>();
        AddGroup(candidates, ValueAlignment.Overall, ValueAlignment.OverallGroup, list);
        foreach (var department in list.GroupBy(a => a.Department, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
            AddGroup(candidates, ValueAlignment.Department, department.Key, department.ToList());

        var published = candidates.Where(c => c.Respondents >= threshold).ToList();
        bool changed;
        do
        {
            changed = false;
            foreach (var cell in published.ToList())
            {
                var residual = Residual(cell, published);
                if (residual > 0 && residual < threshold)
                {
                    published.Remove(cell);
                    changed = true;
                }
            }
        }
        while (changed);
        return published;
    }

    /// <summary>How many of the cell's people no other published cell inside it covers.</summary>
    public static int Residual(ValueCell cell, IEnumerable<ValueCell> published)
    {
        var covered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var inner in published)
        {
            if (ReferenceEquals(inner, cell) || inner.Respondents > cell.Respondents) continue;
            if (inner.Members.IsSubsetOf(cell.Members) && !inner.Members.SetEquals(cell.Members)) covered.UnionWith(inner.Members);
        }
        return cell.Respondents - covered.Count;
    }

    private static void AddGroup(List<ValueCell> cells, string groupType, string group, IReadOnlyList<ValueAnswer> answers)
    {
        foreach (var rank in ValueAlignment.Ranks)
        {
            var mine = answers.Where(a => rank == ValueAlignment.Management
                ? ValueAlignment.RankLabel(a.Rank) != ValueAlignment.IndividualContributor
                : ValueAlignment.RankLabel(a.Rank) == rank).ToList();
            if (mine.Count == 0) continue;
            var members = mine.Select(a => a.UserId).ToHashSet(StringComparer.Ordinal);
            // One answer per person and dimension by construction, so the count of answers is the count of people.
            cells.Add(new ValueCell(groupType, group, rank, mine.Average(a => a.Score), members.Count, members));
        }
    }
}
