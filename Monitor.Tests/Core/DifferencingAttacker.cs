using Monitor.Core.Evaluation;
using Monitor.Core.Groups;

namespace Monitor.Tests.Core;

/// <summary>
/// The attacker of the group figures, stronger than any real one: knows who is in which department and site and
/// who has a score, sees every published snapshot, knows which person's value each snapshot counts and whether it
/// is the value counted last time, and reads exact (unrounded) group sums. He then adds and subtracts every figure
/// of every snapshot in every way at once (Gaussian elimination). That covers the before/after difference of a
/// mean (n·m' − (n−1)·m), a department against a site that shares members, and a parent minus its children,
/// and all their mixtures over time. A person's score or state is recovered when some combination leaves
/// exactly that one unknown.
/// </summary>
internal sealed class DifferencingAttacker
{
    private static readonly int StateCount = Enum.GetValues<SatisfactionState>().Length;

    private readonly Layer _scores = new(1);
    private readonly Layer _counts = new(StateCount);

    /// <summary>Reads one snapshot: the published groups and the people (with their values) behind them.</summary>
    public void Observe(IEnumerable<GroupSummary> groups, IReadOnlyList<Respondent> countBasis, IReadOnlyList<Respondent> scoreBasis)
    {
        var list = groups.ToList();
        _scores.Observe(scoreBasis, p => p.Score!.Value, list.Where(g => g.Score is not null), _ => [0]);
        _counts.Observe(countBasis, p => (int)p.State, list.Where(g => g.Users.Count > 0), _ => Enumerable.Range(0, StateCount));
    }

    /// <summary>Reads a snapshot of today's GroupRollup, whose figures always describe the live data.</summary>
    public void ObserveRaw(IReadOnlyList<Respondent> people, int minimumUsers)
    {
        var groups = GroupRollup.Summarise(people.Select(p => new GroupMember(p.Department, p.Site, p.State, p.Score)), minimumUsers);
        Observe(groups, people, [.. people.Where(p => p.Score is not null)]);
    }

    /// <summary>The people one of whose scores some combination of the published means isolates.</summary>
    public ISet<string> RecoveredScores() => _scores.Recovered();

    /// <summary>The people one of whose states some combination of the published counts isolates.</summary>
    public ISet<string> RecoveredStates() => _counts.Recovered();

    private sealed class Layer(int width)
    {
        private readonly Dictionary<string, (double Value, int Var)> _last = new(StringComparer.Ordinal);
        private readonly List<string> _owners = [];
        private readonly HashSet<string> _seenRows = [];
        private readonly List<Dictionary<int, double>> _rows = [];

        public void Observe(IReadOnlyList<Respondent> basis, Func<Respondent, double> value, IEnumerable<GroupSummary> published,
            Func<GroupSummary, IEnumerable<int>> slots)
        {
            var vars = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var p in basis)
            {
                var v = value(p);
                if (!_last.TryGetValue(p.Id, out var last) || last.Value != v)
                {
                    last = (v, _owners.Count);
                    _owners.Add(p.Id);
                    // Every person is in exactly one state: the states' indicators add up to one.
                    if (width > 1) Add(Enumerable.Range(0, width).Select(s => (last.Var * width) + s));
                }
                vars[p.Id] = last.Var;
            }
            foreach (var id in _last.Keys.Where(id => !vars.ContainsKey(id)).ToList()) _last.Remove(id);
            foreach (var p in basis) _last[p.Id] = (value(p), vars[p.Id]);
            foreach (var g in published)
            {
                var members = basis.Where(p => g.GroupType == GroupRollup.Department ? p.Department == g.Group : p.Site == g.Group);
                foreach (var slot in slots(g)) Add(members.Select(p => (vars[p.Id] * width) + slot));
            }
        }

        private void Add(IEnumerable<int> columns)
        {
            var row = columns.Order().ToList();
            if (row.Count == 0 || !_seenRows.Add(string.Join(',', row))) return;
            _rows.Add(row.ToDictionary(c => c, _ => 1.0));
        }

        /// <summary>Reduced row echelon form: a variable is isolated when a reduced row has it as its only entry.</summary>
        public ISet<string> Recovered()
        {
            var rows = _rows.Select(r => new Dictionary<int, double>(r)).ToList();
            var pivots = new List<(int Column, Dictionary<int, double> Row)>();
            foreach (var row in rows)
            {
                foreach (var (column, pivot) in pivots)
                    if (row.TryGetValue(column, out var f)) Subtract(row, pivot, f);
                if (row.Count == 0) continue;
                var col = row.Keys.Min();
                var scale = row[col];
                foreach (var k in row.Keys.ToList()) row[k] /= scale;
                foreach (var (_, other) in pivots)
                    if (other.TryGetValue(col, out var f)) Subtract(other, row, f);
                pivots.Add((col, row));
            }
            return pivots.Where(p => p.Row.Count == 1).Select(p => _owners[p.Column / width]).ToHashSet(StringComparer.Ordinal);
        }

        private static void Subtract(Dictionary<int, double> row, Dictionary<int, double> pivot, double factor)
        {
            foreach (var (k, v) in pivot)
            {
                var x = row.GetValueOrDefault(k) - (factor * v);
                if (Math.Abs(x) < 1e-9) row.Remove(k);
                else row[k] = x;
            }
        }
    }
}
