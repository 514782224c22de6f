namespace Monitor.Core.Dependencies;

/// <summary>
/// What users hang under, like hosts under their parents in a network monitor. Every user hangs under two
/// directory nodes, <c>site:&lt;site&gt;</c> and <c>department:&lt;department&gt;</c>; edges (from the mapping file)
/// hang a node under a parent (a department under the service <c>mail</c>, <c>mail</c> under <c>datacenter-A</c>), so
/// a parent that is down covers every user below it, however long the chain.
/// </summary>
public sealed class DependencyGraph
{
    public const string SitePrefix = "site:";
    public const string DepartmentPrefix = "department:";

    /// <summary>The graph without edges: users hang under their site and department only.</summary>
    public static readonly DependencyGraph Empty = new(new Dictionary<string, string[]>(StringComparer.Ordinal));

    private readonly IReadOnlyDictionary<string, string[]> _parents;
    private readonly Dictionary<(string, string), IReadOnlySet<string>> _cache = [];
    private readonly Lock _gate = new();

    private DependencyGraph(IReadOnlyDictionary<string, string[]> parents) => _parents = parents;

    /// <summary>Every node named in an edge, as a child or as a parent.</summary>
    public IReadOnlySet<string> Nodes => _parents.Keys.Concat(_parents.Values.SelectMany(p => p)).ToHashSet(StringComparer.Ordinal);

    public static string Site(string site) => SitePrefix + site;

    public static string Department(string department) => DepartmentPrefix + department;

    /// <summary>
    /// The graph of <paramref name="edges"/>, or the problems with them: an edge from a node to itself, and every
    /// cycle (named as the chain that closes it, e.g. <c>mail → datacenter-A → mail</c>).
    /// </summary>
    public static (DependencyGraph? Graph, IReadOnlyList<string> Problems) Build(IEnumerable<(string Child, string Parent)> edges)
    {
        var parents = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (child, parent) in edges)
        {
            if (child == parent)
            {
                problems.Add($"'{child}' cannot hang under itself.");
                continue;
            }
            if (!parents.TryGetValue(child, out var list)) parents[child] = list = [];
            if (!list.Contains(parent)) list.Add(parent);
        }
        if (problems.Count == 0) problems.AddRange(Cycles(parents));
        return problems.Count > 0
            ? (null, problems)
            : (new DependencyGraph(parents.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal)), problems);
    }

    /// <summary>The user's own directory nodes and everything above them (cached per department and site).</summary>
    public IReadOnlySet<string> AncestorsOf(string department, string site)
    {
        lock (_gate)
        {
            if (_cache.TryGetValue((department, site), out var known)) return known;
            var found = new HashSet<string>(StringComparer.Ordinal);
            var todo = new Stack<string>([Site(site), Department(department)]);
            while (todo.TryPop(out var node))
            {
                if (!found.Add(node)) continue;
                foreach (var p in _parents.GetValueOrDefault(node, [])) todo.Push(p);
            }
            return _cache[(department, site)] = found;
        }
    }

    // Depth-first search with colours: a grey node met again closes a cycle; each cycle is reported once.
    private static List<string> Cycles(Dictionary<string, List<string>> parents)
    {
        var colour = new Dictionary<string, int>(StringComparer.Ordinal);
        var path = new List<string>();
        var cycles = new List<string>();
        foreach (var start in parents.Keys.Order(StringComparer.Ordinal)) Visit(start);
        return cycles;

        void Visit(string node)
        {
            colour[node] = 1;
            path.Add(node);
            foreach (var p in parents.GetValueOrDefault(node, []))
            {
                var c = colour.GetValueOrDefault(p);
                if (c == 1) cycles.Add("cycle: " + string.Join(" → ", path[path.IndexOf(p)..].Append(p)));
                else if (c == 0) Visit(p);
            }
            path.RemoveAt(path.Count - 1);
            colour[node] = 2;
        }
    }
}
