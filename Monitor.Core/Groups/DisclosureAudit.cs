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
/// <para>This is the final gate. The complementary suppression and the delay in <see cref="DisclosureLayer"/>
/// choose what to try; the audit refuses any release that would still isolate someone.</para>
/// </remarks>
internal sealed class DisclosureAudit
{
    private const double Epsilon = 1e-9;

    private List<(int Pivot, Dictionary<int, double> Row)> _basis = [];
    private Dictionary<int, Dictionary<int, double>> _ended = [];

    public DisclosureAudit Clone() => new()
    {
        _basis = [.. _basis.Select(b => (b.Pivot, new Dictionary<int, double>(b.Row)))],
        _ended = _ended.ToDictionary(kv => kv.Key, kv => new Dictionary<int, double>(kv.Value)),
    };

    /// <summary>Adds a published equation: the sum over these unknowns is known.</summary>
    public void Add(IEnumerable<int> unknowns)
    {
        var row = Reduce(unknowns.ToDictionary(u => u, _ => 1.0));
        if (row.Count == 0) return;
        var pivot = row.Keys.Min();
        var scale = row[pivot];
        foreach (var k in row.Keys.ToList()) row[k] /= scale;
        foreach (var (p, other) in _basis)
            if (other.TryGetValue(pivot, out var f)) Subtract(other, row, f);
        _basis.Add((pivot, row));
    }

    /// <summary>The run <paramref name="unknown"/> has ended: no new figure will count it.</summary>
    public void End(int unknown)
    {
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
    public bool IsolatesAnyone() =>
        _basis.Any(b => b.Row.Count == 1) || _ended.Values.Any(t => Reduce(new Dictionary<int, double>(t)).Count == 0);

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
