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

/// <summary>One human-labelled text: -1 negative, 0 neutral, 1 positive.</summary>
internal sealed record Labelled(string Id, int Label, string Text);

/// <summary>Reads the Senti4SD sets as kept in bench/data/sentiment-se: id TAB label TAB text, LF, no header.</summary>
internal static class LabelledSet
{
    public static List<Labelled> Read(string path)
    {
        var list = new List<Labelled>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            var fields = line.Split('\t', 3);
            // A bad line would silently shift the figures; refuse the file instead.
            if (fields.Length != 3 || fields[1] is not ("-1" or "0" or "1"))
            {
                throw new InvalidDataException($"{path}:{number}: expected id<TAB>-1|0|1<TAB>text");
            }
            list.Add(new Labelled(fields[0], int.Parse(fields[1], CultureInfo.InvariantCulture), fields[2]));
        }
        return list;
    }
}
