using System.Globalization;
using System.Text;

namespace Monitor.Bench.Sentiment;

/// <summary>
/// A static word table distilled from a sentence model (bench/Monitor.Bench.Distil): WordPiece token → 8-bit
/// vector with one scale per row. A text's vector is the mean of its tokens' vectors: BERT's uncased basic
/// tokenisation (lower case, accents stripped, split at white space and punctuation), then WordPiece's greedy
/// longest match. No model runs here: it is table look-ups.
/// </summary>
internal sealed class StaticVectors
{
    private const int MaxWordChars = 100;
    private readonly Dictionary<string, int> _words;
    private readonly Dictionary<string, int> _pieces; // "##piece" stored without its "##"
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _wordLookup;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _pieceLookup;
    private readonly sbyte[] _values;
    private readonly float[] _scales;

    private StaticVectors(Dictionary<string, int> words, Dictionary<string, int> pieces, sbyte[] values, float[] scales, int dims)
    {
        _words = words;
        _pieces = pieces;
        _wordLookup = words.GetAlternateLookup<ReadOnlySpan<char>>();
        _pieceLookup = pieces.GetAlternateLookup<ReadOnlySpan<char>>();
        _values = values;
        _scales = scales;
        Dims = dims;
    }

    public int Dims { get; }

    public int Count => _scales.Length;

    /// <summary>Reads a table; <paramref name="dims"/> keeps its first components, each row quantised again.</summary>
    public static StaticVectors Read(Stream stream, int dims = 0)
    {
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        if (!reader.ReadBytes(4).AsSpan().SequenceEqual("SVT1"u8))
        {
            throw new InvalidDataException("not a static vector table (SVT1)");
        }
        var rows = reader.ReadInt32();
        var width = reader.ReadInt32();
        dims = dims <= 0 ? width : Math.Min(dims, width);
        var words = new Dictionary<string, int>(StringComparer.Ordinal);
        var pieces = new Dictionary<string, int>(StringComparer.Ordinal);
        var values = new sbyte[rows * dims];
        var scales = new float[rows];
        var row = new double[dims];
        for (var r = 0; r < rows; r++)
        {
            var token = reader.ReadString();
            var scale = reader.ReadSingle();
            var raw = reader.ReadBytes(width);
            for (var d = 0; d < dims; d++) row[d] = (sbyte)raw[d] * (double)scale;
            var max = 0.0;
            for (var d = 0; d < dims; d++) max = Math.Max(max, Math.Abs(row[d]));
            var step = max / 127.0;
            scales[r] = (float)step;
            for (var d = 0; d < dims; d++) values[r * dims + d] = (sbyte)Math.Round(step == 0 ? 0 : row[d] / step);
            if (token.StartsWith("##", StringComparison.Ordinal)) pieces[token[2..]] = r;
            else words[token] = r;
        }
        return new StaticVectors(words, pieces, values, scales, dims);
    }

    /// <summary>The mean of the vectors of <paramref name="text"/>'s tokens into <paramref name="into"/>; the number of tokens found.</summary>
    public int TextVector(ReadOnlySpan<char> text, Span<double> into)
    {
        into.Clear();
        var found = 0;
        Span<char> word = stackalloc char[MaxWordChars + 1];
        var length = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : ' ';
            if (char.IsWhiteSpace(c) || char.IsControl(c) || IsPunctuation(c) || IsCjk(c))
            {
                if (length > 0) found += AddWord(word[..Math.Min(length, word.Length)], length > MaxWordChars, into);
                length = 0;
                if (IsPunctuation(c) || IsCjk(c)) found += AddWord([c], false, into);
                continue;
            }
            if (c < 128)
            {
                if (length < word.Length) word[length] = char.ToLowerInvariant(c);
                length++;
            }
            else
            {
                // Uncased BERT: lower case, then decompose and drop the combining marks (accents).
                foreach (var d in char.ToLowerInvariant(c).ToString().Normalize(NormalizationForm.FormD))
                {
                    if (CharUnicodeInfo.GetUnicodeCategory(d) == UnicodeCategory.NonSpacingMark) continue;
                    if (length < word.Length) word[length] = d;
                    length++;
                }
            }
        }
        if (found > 0)
        {
            for (var d = 0; d < into.Length; d++) into[d] /= found;
        }
        return found;
    }

    // WordPiece: the longest known prefix, then the longest known "##" continuation, and so on; a word that cannot
    // be covered is one unknown token, which has no vector.
    private int AddWord(ReadOnlySpan<char> word, bool tooLong, Span<double> into)
    {
        if (tooLong) return 0;
        Span<int> rows = stackalloc int[word.Length];
        var count = 0;
        var start = 0;
        while (start < word.Length)
        {
            var end = word.Length;
            var row = -1;
            while (end > start)
            {
                var piece = word[start..end];
                if (start == 0 ? _wordLookup.TryGetValue(piece, out row) : _pieceLookup.TryGetValue(piece, out row)) break;
                row = -1;
                end--;
            }
            if (row < 0) return 0;
            rows[count++] = row;
            start = end;
        }
        for (var k = 0; k < count; k++) Add(rows[k], into);
        return count;
    }

    private void Add(int row, Span<double> into)
    {
        var scale = _scales[row];
        var values = _values.AsSpan(row * Dims, Dims);
        for (var d = 0; d < values.Length; d++) into[d] += values[d] * scale;
    }

    private static bool IsPunctuation(char c) =>
        c is (>= '!' and <= '/') or (>= ':' and <= '@') or (>= '[' and <= '`') or (>= '{' and <= '~')
        || char.IsPunctuation(c);

    private static bool IsCjk(char c) => c is (>= '\u4E00' and <= '\u9FFF') or (>= '\u3400' and <= '\u4DBF') or (>= '\uF900' and <= '\uFAFF');
}
