namespace Monitor.Core.Groups;

/// <summary>A department or a site.</summary>
public readonly record struct GroupKey(string GroupType, string Group);

/// <summary>What one person contributes to one kind of figure: where they are, and the value counted.</summary>
internal readonly record struct Fact(string Department, string Site, double Value);

/// <summary>
/// One kind of group figure (the counts per state, or the mean score) as a sequence of releases. A release is a
/// snapshot of every person's value; all published figures of the kind describe the current release. A new
/// release takes in only those people's changes that keep every difference to the previous release a sum over
/// at least the threshold of changed people; the others' changes wait, their old values standing in.
/// </summary>
internal sealed class DisclosureLayer(int minGroupSize)
{
    private const int Free = 0;

    private Dictionary<string, Fact> _released = new(StringComparer.Ordinal);
    private HashSet<GroupKey> _published = [];

    // What each group's last published figure counted: while a withdrawn group still counts exactly that, its old
    // figure is as good as a current one to whoever kept it, so the checks treat it as published.
    private readonly Dictionary<GroupKey, string> _lastCounted = [];

    /// <summary>The people and values the published figures describe.</summary>
    public IReadOnlyDictionary<string, Fact> Released => _released;

    /// <summary>The groups whose figures of this kind are published.</summary>
    public IReadOnlySet<GroupKey> Published => _published;

    public void Advance(IReadOnlyDictionary<string, Fact> current)
    {
        var applied = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (id, fact) in current)
            if (!_released.TryGetValue(id, out var old) || old != fact) applied.Add(id);
        foreach (var id in _released.Keys)
            if (!current.ContainsKey(id)) applied.Add(id);
        if (applied.Count == 0) return;
        while (true)
        {
            var candidate = new Dictionary<string, Fact>(_released, StringComparer.Ordinal);
            foreach (var id in applied)
            {
                if (current.TryGetValue(id, out var fact)) candidate[id] = fact;
                else candidate.Remove(id);
            }
            var stillValid = _lastCounted.Where(kv => Counted(candidate, kv.Key) == kv.Value).Select(kv => kv.Key).ToHashSet();
            var published = SafeGroups(candidate, stillValid);
            var held = PeopleAcrossSmallChange(candidate, published, applied);
            if (held.Count == 0)
            {
                _released = candidate;
                _published = published;
                foreach (var key in published) _lastCounted[key] = Counted(candidate, key);
                return;
            }
            applied.ExceptWith(held);
        }
    }

    /// <summary>
    /// Groups with at least the threshold of people, less those whose publication would let sums and differences
    /// of published groups isolate fewer people (complementary suppression, smallest group first).
    /// </summary>
    /// <remarks>
    /// Figures published earlier that still hold (<paramref name="stillValid"/>) take part in the check but cannot be
    /// taken back; when only they are left to withhold, one of them leaves the check so that the loop ends.
    /// </remarks>
    private HashSet<GroupKey> SafeGroups(IReadOnlyDictionary<string, Fact> data, HashSet<GroupKey> stillValid)
    {
        var cells = data.Values.GroupBy(f => (f.Department, f.Site)).Select(g => (g.Key.Department, g.Key.Site, People: g.Count()))
            .ToList();
        var sizes = cells.SelectMany(c => new[] { (Key: Dept(c.Department), c.People), (Key: Site(c.Site), c.People) })
            .GroupBy(x => x.Key).ToDictionary(g => g.Key, g => g.Sum(x => x.People));
        var published = sizes.Where(kv => kv.Value >= minGroupSize).Select(kv => kv.Key).ToHashSet();
        var fixedOnes = stillValid.Where(sizes.ContainsKey).ToHashSet();
        while (true)
        {
            var index = Index(published.Union(fixedOnes));
            var cut = SmallCuts.Find(index.Count + 1,
                cells.Select(c => (Vertex(index, Dept(c.Department)), Vertex(index, Site(c.Site)), c.People)), minGroupSize);
            if (cut is not { } found) return published;
            // Hide a group on the side the attacker can sum up (the side without the unpublished groups).
            var side = found.Side.Contains(Free) ? found.Other : found.Other.Contains(Free) ? found.Side : [.. found.Side, .. found.Other];
            var piece = found.Side.Concat(found.Other).ToHashSet();
            var choices = index.Where(kv => published.Contains(kv.Key) && !fixedOnes.Contains(kv.Key)).ToList();
            var pick = choices.Where(kv => side.Contains(kv.Value)).ToList();
            if (pick.Count == 0) pick = [.. choices.Where(kv => piece.Contains(kv.Value))];
            var smallest = pick.Count > 0
                ? pick.MinBy(kv => (sizes[kv.Key], kv.Key.GroupType, kv.Key.Group)).Key
                : index.First(kv => piece.Contains(kv.Value)).Key;
            published.Remove(smallest);
            fixedOnes.Remove(smallest);
        }
    }

    /// <summary>
    /// The changed people on the cells crossing a cut of the change graph (every group published before or after)
    /// whose number of changed people is above zero but below the threshold; empty when there is none.
    /// </summary>
    private HashSet<string> PeopleAcrossSmallChange(Dictionary<string, Fact> candidate, HashSet<GroupKey> published,
        HashSet<string> applied)
    {
        var index = Index(_published.Union(published));
        var touches = new List<(int U, int V, string Id)>();
        foreach (var id in applied)
        {
            var cells = new HashSet<(int, int)>();
            if (_released.TryGetValue(id, out var before)) cells.Add(Edge(index, before));
            if (candidate.TryGetValue(id, out var after)) cells.Add(Edge(index, after));
            touches.AddRange(cells.Select(c => (c.Item1, c.Item2, id)));
        }
        var cut = SmallCuts.Find(index.Count + 1, touches.Select(t => (t.U, t.V, 1)), minGroupSize);
        if (cut is not { } found) return [];
        var side = found.Side.ToHashSet();
        return touches.Where(t => t.U != t.V && side.Contains(t.U) != side.Contains(t.V)).Select(t => t.Id)
            .ToHashSet(StringComparer.Ordinal);
    }

    private static string Counted(IReadOnlyDictionary<string, Fact> data, GroupKey key) =>
        string.Join(';', data.Where(kv => key.GroupType == GroupRollup.Department ? kv.Value.Department == key.Group : kv.Value.Site == key.Group)
            .Select(kv => $"{kv.Key}={kv.Value.Value:R}").Order(StringComparer.Ordinal));

    private static Dictionary<GroupKey, int> Index(IEnumerable<GroupKey> published) =>
        published.OrderBy(k => k.GroupType, StringComparer.Ordinal).ThenBy(k => k.Group, StringComparer.Ordinal)
            .Select((k, i) => (k, i)).ToDictionary(x => x.k, x => x.i + 1);

    private static int Vertex(Dictionary<GroupKey, int> index, GroupKey key) => index.GetValueOrDefault(key, Free);

    private static (int, int) Edge(Dictionary<GroupKey, int> index, Fact f) =>
        (Vertex(index, Dept(f.Department)), Vertex(index, Site(f.Site)));

    internal static GroupKey Dept(string name) => new(GroupRollup.Department, name);

    internal static GroupKey Site(string name) => new(GroupRollup.Site, name);
}
