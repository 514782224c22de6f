namespace Monitor.Core.Groups;

/// <summary>
/// Everything ever published of one kind of figure, as linear equations over people's values, kept small
/// enough to check each new release against: would adding its figures let someone add and subtract published
/// figures (from any releases) down to one person's value?
/// </summary>
/// <remarks>
/// <para>Unknowns are a person's value for as long as it stays the same (a "run"); a run that ends (the person
/// answered, moved or left) never appears in a new figure again. Only the published equations restricted to live
/// runs (<c>_basis</c>, in reduced row echelon form) and, per ended run that could still be isolated, the live
/// remainder that would isolate it (<c>_ended</c>) are kept: a new figure can only ever touch live runs,
/// so this answers exactly as the whole history would, without keeping it.</para>
/// <para>Columns are classes of runs, not runs: runs that have been counted by exactly the same published equations
/// have identical columns, and every combination gives them the same coefficient, so one column stands for all of
/// them with its size (at 100,000 people the first release has one column per department-at-site cell rather than
/// 100,000). A class splits when an equation counts only part of it or one of its runs ends. A combination isolates
/// a person exactly when it leaves one column of size one: the same answers as one column per run, far smaller.</para>
/// <para>This is the final gate. The complementary suppression and the delay in <see cref="DisclosureLayer"/>
/// choose what to try; the audit refuses any release that would still isolate someone.</para>
/// </remarks>
internal sealed class DisclosureAudit
{
    private const double Epsilon = 1e-9;

    private List<(int Pivot, Dictionary<int, double> Row)> _basis = [];
    private Dictionary<int, Dictionary<int, double>> _ended = [];

    // The class (column) of each run counted so far, and each class's number of live runs. A run never counted
    // by a published equation has no class: its column is zero everywhere.
    private Dictionary<int, int> _classOf = [];
    private Dictionary<int, int> _size = [];
    private int _nextClass;

    public DisclosureAudit Clone() => new()
    {
        _basis = [.. _basis.Select(b => (b.Pivot, new Dictionary<int, double>(b.Row)))],
        _ended = _ended.ToDictionary(kv => kv.Key, kv => new Dictionary<int, double>(kv.Value)),
        _classOf = new Dictionary<int, int>(_classOf),
        _size = new Dictionary<int, int>(_size),
        _nextClass = _nextClass,
    };

    /// <summary>Adds a published equation: the sum over these runs is known.</summary>
    public void Add(IEnumerable<int> runs)
    {
        // Which classes the equation counts, splitting off the part of a class it counts when it does not count all of it.
        var touched = new Dictionary<int, List<int>>();
        var fresh = new List<int>();
        foreach (var run in runs)
        {
            if (!_classOf.TryGetValue(run, out var k)) fresh.Add(run);
            else if (touched.TryGetValue(k, out var list)) list.Add(run);
            else touched[k] = [run];
        }
        var row = new Dictionary<int, double>();
        foreach (var (k, part) in touched)
        {
            if (part.Count == _size[k])
            {
                row[k] = 1.0;
                continue;
            }
            var split = Split(k, part.Count);
            foreach (var run in part) _classOf[run] = split;
            row[split] = 1.0;
        }
        if (fresh.Count > 0)
        {
            // Never counted before: their columns are zero, so they form one new class together.
            var k = _nextClass++;
            _size[k] = fresh.Count;
            foreach (var run in fresh) _classOf[run] = k;
            row[k] = 1.0;
        }
        row = Reduce(row);
        if (row.Count == 0) return;
        var pivot = row.Keys.Min();
        var scale = row[pivot];
        foreach (var k in row.Keys.ToList()) row[k] /= scale;
        foreach (var (p, other) in _basis)
            if (other.TryGetValue(pivot, out var f)) Subtract(other, row, f);
        _basis.Add((pivot, row));
    }

    /// <summary>
    /// A new class of <paramref name="count"/> runs taken out of class <paramref name="k"/>, with the same coefficient
    /// as <paramref name="k"/> in every equation (they were counted alike until now).
    /// </summary>
    private int Split(int k, int count)
    {
        var split = _nextClass++;
        _size[k] -= count;
        _size[split] = count;
        foreach (var (_, row) in _basis)
            if (row.TryGetValue(k, out var v)) row[split] = v;
        foreach (var target in _ended.Values)
            if (target.TryGetValue(k, out var v)) target[split] = v;
        return split;
    }

    /// <summary>The run <paramref name="run"/> has ended: no new figure will count it.</summary>
    public void End(int run)
    {
        // A run no published equation counted appears nowhere: nothing to eliminate.
        if (!_classOf.Remove(run, out var k)) return;
        // The run becomes a class of its own (an ended run is a column of its own from now on), which then ends.
        var unknown = _size[k] == 1 ? k : Split(k, 1);
        _size.Remove(unknown);
        var index = _basis.FindIndex(b => b.Row.ContainsKey(unknown));
        Dictionary<int, double>? with = null;
        if (index >= 0)
        {
            var (_, row) = _basis[index];
            var scale = row[unknown];
            with = row.ToDictionary(kv => kv.Key, kv => kv.Value / scale);
            _basis.RemoveAt(index);
            // What stays known with this run out of the picture: every other row, with the run subtracted out.
            foreach (var (_, other) in _basis)
                if (other.TryGetValue(unknown, out var f)) Subtract(other, with, f);
        }
        foreach (var key in _ended.Keys.ToList())
        {
            var target = _ended[key];
            if (!target.TryGetValue(unknown, out var f)) continue;
            if (with is null) _ended.Remove(key);
            else Subtract(target, with, f);
        }
        if (with is not null)
        {
            with.Remove(unknown);
            // The run is isolated as soon as the rest of this row becomes known; negated so that "known" means in the span.
            _ended[unknown] = with.ToDictionary(kv => kv.Key, kv => -kv.Value);
        }
    }

    /// <summary>True when some combination of published equations leaves exactly one run, live or ended.</summary>
    /// <remarks>A row left with one column of several runs is their sum (alike coefficients), which isolates nobody.</remarks>
    public bool IsolatesAnyone() =>
        _basis.Any(b => b.Row.Count == 1 && _size.GetValueOrDefault(b.Row.Keys.First()) == 1)
        || _ended.Values.Any(t => Reduce(new Dictionary<int, double>(t)).Count == 0);

    private Dictionary<int, double> Reduce(Dictionary<int, double> row)
    {
        foreach (var (pivot, b) in _basis)
            if (row.TryGetValue(pivot, out var f)) Subtract(row, b, f);
        return row;
    }

    private static void Subtract(Dictionary<int, double> row, Dictionary<int, double> by, double factor)
    {
        foreach (var (k, v) in by)
        {
            var x = row.GetValueOrDefault(k) - (factor * v);
            if (Math.Abs(x) < Epsilon) row.Remove(k);
            else row[k] = x;
        }
    }
}
