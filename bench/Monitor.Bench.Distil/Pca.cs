namespace Monitor.Bench.Distil;

/// <summary>Principal components of a set of vectors: covariance, then cyclic Jacobi rotations (exact, deterministic).</summary>
internal static class Pca
{
    /// <summary>Each vector, centred, projected on the first <paramref name="dims"/> components (largest variance first).</summary>
    public static double[][] Project(double[][] vectors, int dims)
    {
        var n = vectors[0].Length;
        var mean = new double[n];
        foreach (var v in vectors)
        {
            for (var d = 0; d < n; d++) mean[d] += v[d] / vectors.Length;
        }
        var covariance = new double[n, n];
        var centred = new double[n];
        foreach (var v in vectors)
        {
            for (var d = 0; d < n; d++) centred[d] = v[d] - mean[d];
            for (var i = 0; i < n; i++)
            {
                var ci = centred[i];
                for (var j = i; j < n; j++) covariance[i, j] += ci * centred[j];
            }
        }
        for (var i = 0; i < n; i++)
        {
            for (var j = i; j < n; j++) covariance[j, i] = covariance[i, j] /= vectors.Length;
        }
        var (values, basis) = Eigen(covariance);
        var order = Enumerable.Range(0, n).OrderByDescending(k => values[k]).Take(dims).ToArray();
        var explained = order.Sum(k => values[k]) / values.Sum();
        Console.WriteLine($"pca: {dims} of {n} components keep {explained:P1} of the variance");
        return vectors.Select(v =>
        {
            var row = new double[dims];
            for (var c = 0; c < dims; c++)
            {
                var k = order[c];
                double s = 0;
                for (var d = 0; d < n; d++) s += (v[d] - mean[d]) * basis[d, k];
                row[c] = s;
            }
            return row;
        }).ToArray();
    }

    // Symmetric eigen-decomposition by cyclic Jacobi: columns of the basis are the eigenvectors.
    private static (double[] Values, double[,] Basis) Eigen(double[,] matrix)
    {
        var n = matrix.GetLength(0);
        var a = (double[,])matrix.Clone();
        var v = new double[n, n];
        for (var i = 0; i < n; i++) v[i, i] = 1;
        for (var sweep = 0; sweep < 50; sweep++)
        {
            double off = 0;
            for (var p = 0; p < n; p++)
            {
                for (var q = p + 1; q < n; q++) off += a[p, q] * a[p, q];
            }
            if (off < 1e-22) break;
            for (var p = 0; p < n; p++)
            {
                for (var q = p + 1; q < n; q++)
                {
                    if (Math.Abs(a[p, q]) < 1e-300) continue;
                    var theta = (a[q, q] - a[p, p]) / (2 * a[p, q]);
                    var t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    var c = 1 / Math.Sqrt(t * t + 1);
                    var s = t * c;
                    for (var k = 0; k < n; k++)
                    {
                        double akp = a[k, p], akq = a[k, q];
                        a[k, p] = c * akp - s * akq;
                        a[k, q] = s * akp + c * akq;
                    }
                    for (var k = 0; k < n; k++)
                    {
                        double apk = a[p, k], aqk = a[q, k];
                        a[p, k] = c * apk - s * aqk;
                        a[q, k] = s * apk + c * aqk;
                    }
                    for (var k = 0; k < n; k++)
                    {
                        double vkp = v[k, p], vkq = v[k, q];
                        v[k, p] = c * vkp - s * vkq;
                        v[k, q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        var values = new double[n];
        for (var i = 0; i < n; i++) values[i] = a[i, i];
        return (values, v);
    }
}
