using System.Globalization;
using Monitor.Probes.Tickets.Sentiment;

namespace Monitor.Bench.Sentiment;

/// <summary>
/// Multinomial logistic regression over a text's static vector: P(negative), P(neutral), P(positive). Standardisation
/// (the training texts' mean and deviation) is folded into the weights, so scoring is one small matrix product.
/// </summary>
internal sealed class EmbeddingHead
{
    private const int Iterations = 300;
    private readonly double[] _weights; // 3 rows of Dims weights
    private readonly double[] _bias;

    public EmbeddingHead(double[] weights, double[] bias)
    {
        _weights = weights;
        _bias = bias;
        Dims = weights.Length / 3;
    }

    public int Dims { get; }

    public void Probabilities(ReadOnlySpan<double> vector, Span<double> p)
    {
        Span<double> z = stackalloc double[3];
        for (var k = 0; k < 3; k++)
        {
            var s = _bias[k];
            var w = _weights.AsSpan(k * Dims, Dims);
            for (var d = 0; d < Dims; d++) s += w[d] * vector[d];
            z[k] = s;
        }
        LinearSentimentModel.Softmax(z, p);
    }

    /// <summary>
    /// Fits on <paramref name="x"/> (text vectors) and <paramref name="labels"/> (-1, 0, 1): mean cross-entropy plus
    /// <paramref name="l2"/>/2 × the squared weights (not the bias) on standardised features, by full-batch gradient
    /// descent with momentum; deterministic.
    /// </summary>
    public static EmbeddingHead Fit(double[][] x, int[] labels, double l2)
    {
        var n = x.Length;
        var dims = x[0].Length;
        var mean = new double[dims];
        var sd = new double[dims];
        foreach (var v in x) for (var d = 0; d < dims; d++) mean[d] += v[d] / n;
        foreach (var v in x) for (var d = 0; d < dims; d++) sd[d] += (v[d] - mean[d]) * (v[d] - mean[d]) / n;
        for (var d = 0; d < dims; d++) sd[d] = Math.Sqrt(sd[d]) + 1e-12;
        var z = x.Select(v => v.Select((value, d) => (value - mean[d]) / sd[d]).ToArray()).ToArray();
        var w = new double[3 * dims];
        var b = new double[3];
        var vw = new double[3 * dims];
        var vb = new double[3];
        var gw = new double[3 * dims];
        var gb = new double[3];
        Span<double> logits = stackalloc double[3];
        Span<double> p = stackalloc double[3];
        const double Rate = 0.5, Momentum = 0.9;
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            Array.Clear(gw);
            Array.Clear(gb);
            for (var i = 0; i < n; i++)
            {
                for (var k = 0; k < 3; k++)
                {
                    var s = b[k];
                    for (var d = 0; d < dims; d++) s += w[k * dims + d] * z[i][d];
                    logits[k] = s;
                }
                LinearSentimentModel.Softmax(logits, p);
                for (var k = 0; k < 3; k++)
                {
                    var g = (p[k] - (labels[i] + 1 == k ? 1 : 0)) / n;
                    gb[k] += g;
                    for (var d = 0; d < dims; d++) gw[k * dims + d] += g * z[i][d];
                }
            }
            for (var j = 0; j < w.Length; j++)
            {
                vw[j] = Momentum * vw[j] - Rate * (gw[j] + l2 * w[j]);
                w[j] += vw[j];
            }
            for (var k = 0; k < 3; k++)
            {
                vb[k] = Momentum * vb[k] - Rate * gb[k];
                b[k] += vb[k];
            }
        }
        // Fold the standardisation in: w·(v − mean)/sd + b = (w/sd)·v + (b − Σ w·mean/sd).
        var folded = new double[3 * dims];
        var bias = new double[3];
        for (var k = 0; k < 3; k++)
        {
            bias[k] = b[k];
            for (var d = 0; d < dims; d++)
            {
                folded[k * dims + d] = w[k * dims + d] / sd[d];
                bias[k] -= w[k * dims + d] * mean[d] / sd[d];
            }
        }
        return new EmbeddingHead(folded, bias);
    }

    public void Write(TextWriter writer)
    {
        for (var k = 0; k < 3; k++)
        {
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"class\t{k - 1}\t{_bias[k]:R}"));
            for (var d = 0; d < Dims; d++) writer.Write(string.Create(CultureInfo.InvariantCulture, $"\t{_weights[k * Dims + d]:R}"));
            writer.WriteLine();
        }
    }

    public static EmbeddingHead Read(IEnumerable<string> classLines)
    {
        var rows = classLines.Select(l => l.Split('\t')).OrderBy(f => int.Parse(f[1], CultureInfo.InvariantCulture)).ToArray();
        var dims = rows[0].Length - 3;
        var weights = new double[3 * dims];
        var bias = new double[3];
        for (var k = 0; k < 3; k++)
        {
            bias[k] = double.Parse(rows[k][2], CultureInfo.InvariantCulture);
            for (var d = 0; d < dims; d++) weights[k * dims + d] = double.Parse(rows[k][3 + d], CultureInfo.InvariantCulture);
        }
        return new EmbeddingHead(weights, bias);
    }
}
