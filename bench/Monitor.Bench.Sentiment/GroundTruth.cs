using System.Globalization;

namespace Monitor.Bench.Sentiment;

/// <summary>One human-rated text: mean rating on -4 … +4.</summary>
internal sealed record Rated(string Id, double Rating, string Text);

/// <summary>Reads the VADER ground-truth files: id TAB mean rating TAB text, CRLF, no header.</summary>
internal static class GroundTruth
{
    public static List<Rated> Read(string path)
    {
        var list = new List<Rated>();
        foreach (var line in File.ReadLines(path))
        {
            var fields = line.TrimEnd('\r').Split('\t', 3);
            if (fields.Length == 3 && double.TryParse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var rating))
            {
                list.Add(new Rated(fields[0], rating, fields[2]));
            }
        }
        return list;
    }
}
