using System.Text;
using System.Text.Json;

namespace Monitor.Bench.Sentiment;

/// <summary>
/// Reads the UCI Sentiment Labelled Sentences as kept in bench/data/reviews-uci (the npm package sentiment's
/// fixtures: a JSON array of {"text", "class": 0|1|null} per source) and cleans them by the rule fixed in
/// docs/sentiment.md: no class or empty text dropped, duplicates within the set dropped, and any sentence equal
/// (in <see cref="Key"/> form) to a text in <paramref name="excluded"/> dropped. Labels: 1 positive, -1 negative.
/// </summary>
internal static class ReviewSentences
{
    public static readonly string[] Sources = ["imdb", "amazon", "yelp"];

    public static List<Labelled> Read(string folder, IReadOnlySet<string> excluded, out int dropped)
    {
        var list = new List<Labelled>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        dropped = 0;
        foreach (var source in Sources)
        {
            using var stream = File.OpenRead(Path.Combine(folder, source + ".json"));
            using var document = JsonDocument.Parse(stream);
            var n = 0;
            foreach (var item in document.RootElement.EnumerateArray())
            {
                var id = $"{source}-{n++}";
                var text = item.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
                var label = item.TryGetProperty("class", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : -9;
                var key = Key(text);
                if (label is not (0 or 1) || key.Length == 0 || excluded.Contains(key) || !seen.Add(key))
                {
                    dropped++;
                    continue;
                }
                list.Add(new Labelled(id, label == 1 ? 1 : -1, text.Trim()));
            }
        }
        return list;
    }

    /// <summary>Lower case, every run of characters other than letters and digits one space, trimmed.</summary>
    public static string Key(string text)
    {
        var b = new StringBuilder(text.Length);
        var gap = false;
        foreach (var ch in text.ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(ch))
            {
                if (gap && b.Length > 0) b.Append(' ');
                b.Append(ch);
                gap = false;
            }
            else
            {
                gap = true;
            }
        }
        return b.ToString();
    }

    /// <summary>
    /// The texts the sentences must not repeat: the training partition (a label clash) and every measuring set
    /// (their texts only; ratings and labels are not read here).
    /// </summary>
    public static HashSet<string> ExcludedTexts(string trainPath, IEnumerable<string> measuringFiles)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var x in LabelledSet.Read(trainPath)) keys.Add(Key(x.Text));
        foreach (var path in measuringFiles)
        {
            var texts = path.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase)
                ? LabelledSet.Read(path).Select(x => x.Text)
                : GroundTruth.Read(path).Select(x => x.Text);
            foreach (var text in texts) keys.Add(Key(text));
        }
        return keys;
    }
}
