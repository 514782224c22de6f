using System.Buffers;
using System.Globalization;

namespace Monitor.Probes.Tickets.Sentiment;

/// <summary>
/// A multinomial logistic regression over <see cref="SentimentFeatures"/> plus four features of the lexicon's
/// verdict, giving the probabilities of negative, neutral and positive. The weights are a text file trained
/// by bench/Monitor.Bench.Sentiment (<c>train</c>) and embedded as <c>sentiment/&lt;lang&gt;/model.tsv</c>;
/// scoring is a few hash look-ups and one softmax, so the worker needs no machine-learning library.
/// </summary>
public sealed class LinearSentimentModel
{
    /// <summary>Number of dense features taken from the lexicon's result (see <see cref="DenseFeatures"/>).</summary>
    public const int DenseCount = 4;

    private readonly Dictionary<ulong, int> _index;
    private readonly float[] _weights;
    private readonly double[] _bias;
    private readonly double[] _dense;

    /// <summary>Builds a model from per-feature weights (negative, neutral, positive each).</summary>
    public LinearSentimentModel(
        IReadOnlyDictionary<ulong, float[]> sparse, double[] bias, double[] dense, double band = 0, double mix = DefaultMix,
        double coverageReference = 0, double negativeBand = 0)
    {
        Band = band;
        NegativeBand = negativeBand > 0 ? negativeBand : band;
        Mix = mix;
        CoverageReference = coverageReference;
        ArgumentNullException.ThrowIfNull(sparse);
        if (bias.Length != 3 || dense.Length != 3 * DenseCount)
        {
            throw new ArgumentException("bias needs 3 weights and dense 3 per dense feature");
        }
        _index = new Dictionary<ulong, int>(sparse.Count);
        _weights = new float[3 * sparse.Count];
        foreach (var (hash, w) in sparse)
        {
            var at = _index.Count;
            _index.Add(hash, at);
            w.AsSpan(0, 3).CopyTo(_weights.AsSpan(3 * at));
        }
        _bias = bias;
        _dense = dense;
    }

    /// <summary>
    /// The least probability a polar class needs, beside being the likeliest, for a positive or negative verdict;
    /// below it the verdict is neutral. Chosen by the trainer on the training data (see docs/sentiment.md).
    /// </summary>
    public double Band { get; }

    /// <summary>
    /// The least probability a negative verdict needs; <see cref="Band"/> unless the model file has a
    /// <c>band-negative</c> line. A negative verdict is what can page on-call, so the trainer may set a higher bar for
    /// it (docs/sentiment.md, "Review sentences in the training data").
    /// </summary>
    public double NegativeBand { get; }

    /// <summary>
    /// The weight of the model's expected label against the lexicon's score in the graded score
    /// (<see cref="HybridSentimentAnalyser.Score"/>). Chosen by the trainer on the training data.
    /// </summary>
    public double Mix { get; }

    /// <summary>
    /// 0 for a constant <see cref="Mix"/>; otherwise the mix is scaled by the text's coverage (the share of its word
    /// features the model has weights for) relative to this coverage, at most 1, so that a text far from the
    /// training data leans on the lexicon. Chosen by the trainer (see <see cref="MixFor"/>).
    /// </summary>
    public double CoverageReference { get; }

    /// <summary>The model's weight in the graded score of a text with <paramref name="coverage"/>.</summary>
    public double MixFor(double coverage) => MixFor(Mix, CoverageReference, coverage);

    /// <summary><paramref name="mix"/>, scaled by coverage relative to <paramref name="reference"/> unless that is 0.</summary>
    public static double MixFor(double mix, double reference, double coverage) =>
        reference > 0 ? Math.Min(1, mix * coverage / reference) : mix;

    /// <summary>The mix of a model file without a <c>mix</c> line: model and lexicon alike.</summary>
    public const double DefaultMix = 0.5;

    /// <summary>Number of sparse features with weights.</summary>
    public int FeatureCount => _index.Count;

    /// <summary>The dense features of a lexicon result: score, its positive and negative part, confidence.</summary>
    public static void DenseFeatures(SentimentResult lexicon, Span<double> into)
    {
        into[0] = lexicon.Score;
        into[1] = Math.Max(lexicon.Score, 0);
        into[2] = Math.Max(-lexicon.Score, 0);
        into[3] = lexicon.Confidence;
    }

    /// <summary>Sparse features count as 1/√n each, so that long and short texts weigh alike.</summary>
    public static double SparseScale(int count) => count == 0 ? 0 : 1 / Math.Sqrt(count);

    /// <summary>Writes P(negative), P(neutral), P(positive) of <paramref name="text"/> into <paramref name="p"/>.</summary>
    public void Probabilities(ReadOnlySpan<char> text, SentimentResult lexicon, Span<double> p) =>
        Probabilities(text, lexicon, p, out _);

    /// <summary>
    /// As <see cref="Probabilities(ReadOnlySpan{char}, SentimentResult, Span{double})"/>, and the text's coverage: the
    /// share of its word unigrams and bigrams that the model has weights for (0 for a text without words).
    /// </summary>
    public void Probabilities(ReadOnlySpan<char> text, SentimentResult lexicon, Span<double> p, out double coverage)
    {
        Span<double> z = [_bias[0], _bias[1], _bias[2]];
        Span<double> dense = stackalloc double[DenseCount];
        DenseFeatures(lexicon, dense);
        for (var f = 0; f < DenseCount; f++)
        {
            for (var k = 0; k < 3; k++)
            {
                z[k] += dense[f] * _dense[3 * f + k];
            }
        }
        var capacity = SentimentFeatures.Capacity(text.Length);
        ulong[]? rented = null;
        var hashes = capacity <= 1024 ? stackalloc ulong[capacity] : (rented = ArrayPool<ulong>.Shared.Rent(capacity));
        try
        {
            var count = SentimentFeatures.Extract(text, hashes, out var words);
            var scale = SparseScale(count);
            var known = 0;
            for (var h = 0; h < count; h++)
            {
                if (_index.TryGetValue(hashes[h], out var at))
                {
                    known += h < words ? 1 : 0;
                    at *= 3;
                    z[0] += scale * _weights[at];
                    z[1] += scale * _weights[at + 1];
                    z[2] += scale * _weights[at + 2];
                }
            }
            coverage = words == 0 ? 0 : (double)known / words;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<ulong>.Shared.Return(rented);
            }
        }
        Softmax(z, p);
    }

    /// <summary>Turns scores into probabilities that add up to 1.</summary>
    public static void Softmax(ReadOnlySpan<double> z, Span<double> p)
    {
        var max = Math.Max(z[0], Math.Max(z[1], z[2]));
        var sum = 0.0;
        for (var k = 0; k < 3; k++)
        {
            p[k] = Math.Exp(z[k] - max);
            sum += p[k];
        }
        for (var k = 0; k < 3; k++)
        {
            p[k] /= sum;
        }
    }

    /// <summary>
    /// Reads a model file: '#' comment lines, then <c>band</c>, <c>band-negative</c> (optional), <c>mix</c> and <c>coverage</c> (optional), <c>bias</c>, <c>dense0</c> …
    /// <c>dense3</c> and one line per sparse feature (16 hex digits), each followed by three tab-separated weights
    /// (negative, neutral, positive).
    /// </summary>
    public static LinearSentimentModel Load(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var bias = new double[3];
        var dense = new double[3 * DenseCount];
        var sparse = new Dictionary<ulong, float[]>();
        var band = 0.0;
        var negativeBand = 0.0;
        var mix = DefaultMix;
        var reference = 0.0;
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            // name TAB w0 TAB w1 TAB w2, read as spans: the English model has some 140,000 lines.
            ReadOnlySpan<char> rest = line;
            var name = Field(ref rest);
            var w = new[] { Parse(Field(ref rest)), Parse(Field(ref rest)), Parse(Field(ref rest)) };
            if (name is "band")
            {
                band = w[0];
            }
            else if (name is "band-negative")
            {
                negativeBand = w[0];
            }
            else if (name is "mix")
            {
                mix = w[0];
            }
            else if (name is "coverage")
            {
                reference = w[0];
            }
            else if (name is "bias")
            {
                w.Select(x => (double)x).ToArray().CopyTo(bias, 0);
            }
            else if (name.StartsWith("dense", StringComparison.Ordinal))
            {
                var at = int.Parse(name[5..], CultureInfo.InvariantCulture);
                w.Select(x => (double)x).ToArray().CopyTo(dense, 3 * at);
            }
            else
            {
                sparse[ulong.Parse(name, NumberStyles.HexNumber, CultureInfo.InvariantCulture)] = w;
            }
        }
        return new LinearSentimentModel(sparse, bias, dense, band, mix, reference, negativeBand);
    }

    private static float Parse(ReadOnlySpan<char> s) => float.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    // The text up to the next tab (or the end), and the rest after it.
    private static ReadOnlySpan<char> Field(ref ReadOnlySpan<char> rest)
    {
        var tab = rest.IndexOf('\t');
        var field = tab < 0 ? rest : rest[..tab];
        rest = tab < 0 ? [] : rest[(tab + 1)..];
        return field;
    }
}
