namespace Monitor.Probes.Tickets.Sentiment;

/// <summary>
/// Multi-word entries ("still not working", "kind of") keyed by their first word, so that the scorer pays
/// one dictionary probe per word and compares further words only when the first one matched.
/// </summary>
internal sealed class PhraseTable<TValue>
{
    private readonly Dictionary<string, List<Phrase>> _byFirstWord = new(StringComparer.Ordinal);
    private Dictionary<string, List<Phrase>>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public PhraseTable() => _lookup = _byFirstWord.GetAlternateLookup<ReadOnlySpan<char>>();

    public int Count { get; private set; }

    /// <summary>Adds or replaces a phrase; words must already be lower case.</summary>
    public void Set(string[] words, TValue value)
    {
        if (!_byFirstWord.TryGetValue(words[0], out var list))
        {
            list = [];
            _byFirstWord.Add(words[0], list);
        }
        var rest = words[1..];
        var existing = list.FindIndex(p => p.Rest.AsSpan().SequenceEqual(rest));
        if (existing >= 0)
        {
            list[existing] = new Phrase(rest, value);
            return;
        }
        list.Add(new Phrase(rest, value));
        Count++;
        // Longest first, so that "still not working" wins over "still not".
        list.Sort((a, b) => b.Rest.Length.CompareTo(a.Rest.Length));
    }

    /// <summary>
    /// Tries the phrases that start at word token <paramref name="index"/>; the words of a phrase must be
    /// consecutive word tokens. Returns the number of tokens the longest match covers, or 0.
    /// </summary>
    public int Match(ReadOnlySpan<Token> tokens, int index, ReadOnlySpan<char> lower, out TValue value)
    {
        value = default!;
        if (Count == 0 || !_lookup.TryGetValue(tokens[index].Text(lower), out var list))
        {
            return 0;
        }
        foreach (var phrase in list)
        {
            if (index + phrase.Rest.Length >= tokens.Length)
            {
                continue;
            }
            var all = true;
            for (var k = 0; k < phrase.Rest.Length && all; k++)
            {
                ref readonly var next = ref tokens[index + 1 + k];
                all = next.Kind == TokenKind.Word && next.Text(lower).SequenceEqual(phrase.Rest[k]);
            }
            if (all)
            {
                value = phrase.Value;
                return phrase.Rest.Length + 1;
            }
        }
        return 0;
    }

    private readonly record struct Phrase(string[] Rest, TValue Value);
}
