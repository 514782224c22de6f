using System.Globalization;

namespace Monitor.Probes.Tickets.Sentiment;

/// <summary>Reads the tab-separated lexicon files; a malformed line is skipped rather than failing the load.</summary>
internal static class LexiconFile
{
    public static IEnumerable<(string Term, float Value)> ReadValences(TextReader reader)
    {
        foreach (var fields in ReadFields(reader))
        {
            if (fields.Length >= 2 && TryParse(fields[1], out var value))
            {
                yield return (fields[0], value);
            }
        }
    }

    public static IEnumerable<(ModifierKind Kind, string Term, float Value)> ReadModifiers(TextReader reader)
    {
        foreach (var fields in ReadFields(reader))
        {
            if (fields.Length < 2 || !Enum.TryParse<ModifierKind>(fields[0], ignoreCase: true, out var kind))
            {
                continue;
            }
            var value = 0f;
            if (fields.Length >= 3 && fields[2].Length > 0 && !TryParse(fields[2], out value))
            {
                continue;
            }
            yield return (kind, fields[1], value);
        }
    }

    /// <summary>True for terms made of words (letters, digits, apostrophes, hyphens, spaces); false for emoticons.</summary>
    public static bool IsWordLike(string term)
    {
        var letters = 0;
        foreach (var c in term)
        {
            if (char.IsLetter(c))
            {
                letters++;
            }
            else if (!char.IsDigit(c) && c is not ('\'' or '-' or ' '))
            {
                return false;
            }
        }
        return letters > 0;
    }

    private static IEnumerable<string[]> ReadFields(TextReader reader)
    {
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var fields = line.Split('\t');
            if (fields[0].Length > 0)
            {
                yield return fields;
            }
        }
    }

    private static bool TryParse(string text, out float value) =>
        float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && float.IsFinite(value);
}
