using FsCheck;
using Monitor.Core.Groups;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;

namespace Monitor.Tests.Core;

/// <summary>
/// The audit keeps one column per class of runs counted alike; it must answer exactly as one column per run would.
/// The reference below is the audit as it was before classes (one unknown per run), kept here as the oracle.
/// </summary>
public sealed class DisclosureAuditTests
{
    [Property(MaxTest = 300)]
    public bool Classes_of_runs_answer_like_one_column_per_run(int seed)
    {
        var random = new Random(seed);
        var audit = new DisclosureAudit();
        var reference = new PerRunAudit();
        var live = new List<int>();
        var next = 0;
        for (var step = 0; step < 40; step++)
        {
            if (live.Count > 0 && random.Next(3) == 0)
            {
                var run = live[random.Next(live.Count)];
                live.Remove(run);
                audit.End(run);
                reference.End(run);
            }
            else
            {
                // An equation over some live runs and some new ones, often a large share of the live ones (a group).
                for (var i = random.Next(3); i > 0; i--) live.Add(next++);
                var share = random.NextDouble();
                var runs = live.Where(_ => random.NextDouble() < share).ToList();
                if (runs.Count == 0) continue;
                audit.Add(runs);
                reference.Add(runs);
            }
            if (audit.IsolatesAnyone() != reference.IsolatesAnyone()) return false;
            if (random.Next(4) == 0 && audit.Clone().IsolatesAnyone() != reference.IsolatesAnyone()) return false;
        }
        return true;
    }

    [Test]
    public void Two_people_counted_alike_are_not_isolated_until_one_of_them_is_counted_apart()
    {
        var audit = new DisclosureAudit();
        audit.Add([0, 1]);
        Assert.That(audit.IsolatesAnyone(), Is.False, "the sum of two");
        audit.Add([0, 1, 2]);
        Assert.That(audit.IsolatesAnyone(), Is.True, "the third is the difference");
        var other = new DisclosureAudit();
        other.Add([0, 1, 2, 3]);
        other.Add([0, 1, 2]);
        other.End(3);
        Assert.That(other.IsolatesAnyone(), Is.True, "the ended fourth was the difference");
    }

    private sealed class PerRunAudit
    {
        private const double Epsilon = 1e-9;
        private readonly List<(int Pivot, Dictionary<int, double> Row)> _basis = [];
        private readonly Dictionary<int, Dictionary<int, double>> _ended = [];

        public void Add(IEnumerable<int> unknowns)
        {
            var row = Reduce(unknowns.ToDictionary(u => u, _ => 1.0));
            if (row.Count == 0) return;
            var pivot = row.Keys.Min();
            var scale = row[pivot];
            foreach (var k in row.Keys.ToList()) row[k] /= scale;
            foreach (var (_, other) in _basis)
                if (other.TryGetValue(pivot, out var f)) Subtract(other, row, f);
            _basis.Add((pivot, row));
        }

        public void End(int unknown)
        {
            var index = _basis.FindIndex(b => b.Row.ContainsKey(unknown));
            Dictionary<int, double>? with = null;
            if (index >= 0)
            {
                var row = _basis[index].Row;
                var scale = row[unknown];
                with = row.ToDictionary(kv => kv.Key, kv => kv.Value / scale);
                _basis.RemoveAt(index);
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
            if (with is null) return;
            with.Remove(unknown);
            _ended[unknown] = with.ToDictionary(kv => kv.Key, kv => -kv.Value);
        }

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
}
