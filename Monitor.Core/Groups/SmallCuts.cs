namespace Monitor.Core.Groups;

/// <summary>
/// Finds a way to split a weighted graph whose crossing weight is above zero but below a threshold.
/// </summary>
/// <remarks>
/// Why cuts: vertices are groups (departments and sites), edges are department-at-site cells weighted by
/// the people in them. Whoever holds the group sums can add the departments of any set of groups and subtract
/// its sites; what is left is exactly the signed sum over the cells that cross the boundary of that set.
/// So the smallest aggregate an attacker can isolate by adding and subtracting group figures is the
/// smallest cut of this graph (groups that are not published are merged into one free vertex, since
/// nothing constrains them). A weight of zero isolates nobody; anything below the threshold isolates too few.
/// </remarks>
internal static class SmallCuts
{
    /// <summary>
    /// One side of a cut of weight in (0, <paramref name="threshold"/>), the other side of its connected
    /// piece, or null when there is none. Stoer–Wagner per connected piece of positive edges: O(V³).
    /// </summary>
    public static (List<int> Side, List<int> Other)? Find(int vertices, IEnumerable<(int U, int V, int Weight)> edges, int threshold)
    {
        var w = new long[vertices, vertices];
        foreach (var (u, v, weight) in edges)
        {
            if (u == v || weight <= 0) continue;
            w[u, v] += weight;
            w[v, u] += weight;
        }
        foreach (var piece in Pieces(w, vertices))
        {
            if (piece.Count < 2) continue;
            var (cut, side) = MinimumCut(w, piece);
            if (cut < threshold) return (side, piece.Except(side).ToList());
        }
        return null;
    }

    private static List<List<int>> Pieces(long[,] w, int n)
    {
        var seen = new bool[n];
        var pieces = new List<List<int>>();
        for (var start = 0; start < n; start++)
        {
            if (seen[start]) continue;
            var piece = new List<int> { start };
            seen[start] = true;
            for (var i = 0; i < piece.Count; i++)
                for (var v = 0; v < n; v++)
                    if (!seen[v] && w[piece[i], v] > 0)
                    {
                        seen[v] = true;
                        piece.Add(v);
                    }
            pieces.Add(piece);
        }
        return pieces;
    }

    private static (long Cut, List<int> Side) MinimumCut(long[,] weights, List<int> piece)
    {
        var n = piece.Count;
        var w = new long[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++) w[i, j] = weights[piece[i], piece[j]];
        var merged = Enumerable.Range(0, n).Select(i => new List<int> { piece[i] }).ToList();
        var alive = Enumerable.Range(0, n).ToList();
        var best = long.MaxValue;
        List<int> bestSide = [];
        while (alive.Count > 1)
        {
            var added = new bool[n];
            var link = new long[n];
            int prev = -1, last = alive[0];
            added[last] = true;
            foreach (var v in alive) link[v] = w[last, v];
            for (var step = 1; step < alive.Count; step++)
            {
                var next = -1;
                foreach (var v in alive)
                    if (!added[v] && (next < 0 || link[v] > link[next])) next = v;
                added[next] = true;
                prev = last;
                last = next;
                if (step == alive.Count - 1 && link[last] < best)
                {
                    best = link[last];
                    bestSide = [.. merged[last]];
                }
                foreach (var v in alive) link[v] += w[last, v];
            }
            // Merge the last vertex into the one before it and carry on with one vertex fewer.
            foreach (var v in alive)
            {
                w[prev, v] += w[last, v];
                w[v, prev] = w[prev, v];
            }
            w[prev, prev] = 0;
            merged[prev].AddRange(merged[last]);
            alive.Remove(last);
        }
        return (best, bestSide);
    }
}
