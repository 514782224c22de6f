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
/// <remarks>
/// For the counts, the unknown of a person is their state; each state's count is the same sum over the same
/// people, so the audit checks one such sum per group. (Knowing that everyone is in exactly one state adds
/// nothing: with more than one state, that cannot single out anyone the per-state sums do not already.)
/// </remarks>
internal sealed class DisclosureLayer(int minGroupSize)
{
    private const int Free = 0;

    private Dictionary<string, Fact> _released = new(StringComparer.Ordinal);
    private HashSet<GroupKey> _published = [];

    // What each group's last published figure counted: while a withdrawn group still counts exactly that, its old
    // figure is as good as a current one to whoever kept it, so the checks treat it as published.
    private readonly Dictionary<GroupKey, Fingerprint> _lastCounted = [];

    private DisclosureAudit _audit = new();
    private Dictionary<string, int> _runs = new(StringComparer.Ordinal);
    private int _nextRun;
    private readonly Dictionary<GroupKey, Fingerprint> _auditedRows = [];

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
            var contents = Contents(candidate);
            var stillValid = _lastCounted.Where(kv => contents.GetValueOrDefault(kv.Key) == kv.Value).Select(kv => kv.Key).ToHashSet();
            var published = SafeGroups(candidate, stillValid);
            var held = PeopleAcrossSmallChange(candidate, published, applied);
            if (held.Count == 0)
            {
                // Should the audit refuse, the changes may still go out without groups that were not published before;
                // otherwise they wait as a whole and the figures stay as they are.
                if (!Audit(candidate, published, applied))
                {
                    published.IntersectWith(_published);
                    if (!Audit(candidate, published, applied)) return;
                }
                _released = candidate;
                _published = published;
                foreach (var key in published) _lastCounted[key] = contents[key];
                return;
            }
            applied.ExceptWith(held);
        }
    }

    private bool Audit(Dictionary<string, Fact> candidate, HashSet<GroupKey> published, HashSet<string> applied)
    {
        // A threshold of one asks for no protection: figures about single people are allowed.
        if (minGroupSize <= 1) return true;
        var audit = _audit.Clone();
        var runs = new Dictionary<string, int>(_runs, StringComparer.Ordinal);
        var next = _nextRun;
        foreach (var id in applied)
        {
            var has = candidate.TryGetValue(id, out var now);
            // A move with the same value keeps the unknown: whoever watches knows nothing else changed.
            if (has && _released.TryGetValue(id, out var before) && before.Value == now.Value) continue;
            if (runs.Remove(id, out var ended)) audit.End(ended);
            if (has) runs[id] = next++;
        }
        var members = new Dictionary<GroupKey, List<int>>();
        var rows = new Dictionary<GroupKey, Fingerprint>();
        foreach (var (id, f) in candidate)
        {
            // A run number is never reused, so it names the (person, value) pair alone: no need to hash the id.
            var run = runs[id];
            var print = Fingerprint.Of(run);
            Count(Dept(f.Department));
            Count(Site(f.Site));

            void Count(GroupKey key)
            {
                if (!members.TryGetValue(key, out var list)) members[key] = list = [];
                list.Add(run);
                rows[key] = rows.GetValueOrDefault(key) + print;
            }
        }
        // A group that sums exactly the runs it summed when last published adds nothing: that equation is known.
        foreach (var key in published.Where(k => _auditedRows.GetValueOrDefault(k) != rows[k])) audit.Add(members[key]);
        if (audit.IsolatesAnyone()) return false;
        (_audit, _runs, _nextRun) = (audit, runs, next);
        foreach (var key in published) _auditedRows[key] = rows[key];
        return true;
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
            // The cells the person leaves and enters (one when they stay put).
            (int, int)? from = _released.TryGetValue(id, out var before) ? Edge(index, before) : null;
            (int, int)? to = candidate.TryGetValue(id, out var after) ? Edge(index, after) : null;
            if (from is { } f) touches.Add((f.Item1, f.Item2, id));
            if (to is { } t && to != from) touches.Add((t.Item1, t.Item2, id));
        }
        // Most small changes sit in one group: hold all of those at once before looking for subtler cuts.
        var changed = new int[index.Count + 1];
        foreach (var t in touches.Where(t => t.U != t.V))
        {
            changed[t.U]++;
            changed[t.V]++;
        }
        var weight = Enumerable.Range(1, index.Count).Where(v => changed[v] is > 0 and var n && n < minGroupSize).ToHashSet();
        if (weight.Count > 0)
            return touches.Where(t => t.U != t.V && (weight.Contains(t.U) || weight.Contains(t.V))).Select(t => t.Id)
                .ToHashSet(StringComparer.Ordinal);
        var cut = SmallCuts.Find(index.Count + 1, touches.Select(t => (t.U, t.V, 1)), minGroupSize);
        if (cut is not { } found) return [];
        var side = found.Side.ToHashSet();
        return touches.Where(t => t.U != t.V && side.Contains(t.U) != side.Contains(t.V)).Select(t => t.Id)
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Per group, a fingerprint of who it counts with which value, to compare with later.</summary>
    private static Dictionary<GroupKey, Fingerprint> Contents(IReadOnlyDictionary<string, Fact> data)
    {
        var prints = new Dictionary<GroupKey, Fingerprint>();
        foreach (var (id, f) in data)
        {
            var entry = Fingerprint.Of(id, f.Value);
            foreach (var key in new[] { Dept(f.Department), Site(f.Site) }) prints[key] = prints.GetValueOrDefault(key) + entry;
        }
        return prints;
    }

    internal static bool Contains(GroupKey key, Fact f) =>
        key.GroupType == GroupRollup.Department ? f.Department == key.Group : f.Site == key.Group;

    private static Dictionary<GroupKey, int> Index(IEnumerable<GroupKey> published) =>
        published.OrderBy(k => k.GroupType, StringComparer.Ordinal).ThenBy(k => k.Group, StringComparer.Ordinal)
            .Select((k, i) => (k, i)).ToDictionary(x => x.k, x => x.i + 1);

    private static int Vertex(Dictionary<GroupKey, int> index, GroupKey key) => index.GetValueOrDefault(key, Free);

    private static (int, int) Edge(Dictionary<GroupKey, int> index, Fact f) =>
        (Vertex(index, Dept(f.Department)), Vertex(index, Site(f.Site)));

    internal static GroupKey Dept(string name) => new(GroupRollup.Department, name);

    internal static GroupKey Site(string name) => new(GroupRollup.Site, name);
}

/// <summary>
/// An order-free 128-bit fingerprint of a set of (person, value) pairs: two independent 64-bit mixes summed, and the
/// count. Cheap at 100,000 people, where comparing the sets themselves each refresh is not.
/// </summary>
internal readonly record struct Fingerprint(ulong A, ulong B, int Count)
{
    public static Fingerprint Of(string id, double value)
    {
        var h = 14695981039346656037UL;
        foreach (var c in id) h = (h ^ c) * 1099511628211UL;
        var v = (ulong)BitConverter.DoubleToInt64Bits(value);
        return new Fingerprint(Mix(Mix(h) ^ v), Mix(h + Mix(v ^ 0xD1B54A32D192ED03UL)), 1);
    }

    /// <summary>The fingerprint of one run (a person's value while it lasts), by its number, which is never reused.</summary>
    public static Fingerprint Of(int run)
    {
        var v = (ulong)run;
        return new Fingerprint(Mix(v ^ 0x9E3779B97F4A7C15UL), Mix(Mix(v) + 0xD1B54A32D192ED03UL), 1);
    }

    public static Fingerprint operator +(Fingerprint x, Fingerprint y) => new(x.A + y.A, x.B + y.B, x.Count + y.Count);

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
