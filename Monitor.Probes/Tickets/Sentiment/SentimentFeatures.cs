namespace Monitor.Probes.Tickets.Sentiment;

/// <summary>
/// The sparse features of <see cref="LinearSentimentModel"/>: lower-cased word unigrams and bigrams and
/// character 3- and 4-grams, each as a 64-bit FNV-1a hash (so that scoring needs no string per feature).
/// The trainer in bench/Monitor.Bench.Sentiment calls the same code, so training and scoring cannot drift.
/// </summary>
public static class SentimentFeatures
{
    private const ulong Offset = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;
    private const ulong WordSeed = 1, BigramSeed = 2, CharSeed = 3;

    /// <summary>The room <see cref="Extract"/> needs for a text of <paramref name="length"/> characters.</summary>
    public static int Capacity(int length) => 4 * length + 8;

    /// <summary>
    /// Writes the feature hashes of <paramref name="text"/> into <paramref name="into"/> (at least
    /// <see cref="Capacity"/> long), repeats included, and returns how many were written.
    /// </summary>
    public static int Extract(ReadOnlySpan<char> text, Span<ulong> into) => Extract(text, into, out _);

    /// <summary>
    /// As <see cref="Extract(ReadOnlySpan{char}, Span{ulong})"/>; the first <paramref name="wordFeatures"/> hashes
    /// are the word unigrams and bigrams, the rest character n-grams.
    /// </summary>
    public static int Extract(ReadOnlySpan<char> text, Span<ulong> into, out int wordFeatures)
    {
        var count = 0;
        ulong previous = 0;
        var i = 0;
        while (i < text.Length)
        {
            if (!char.IsLetterOrDigit(text[i]))
            {
                i++;
                continue;
            }
            var hash = Mix(Offset, WordSeed);
            var start = i;
            while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '\'' or '\u2019'))
            {
                hash = Mix(hash, Lower(text[i]));
                i++;
            }
            into[count++] = hash;
            if (start > 0 && previous != 0)
            {
                into[count++] = Mix(Mix(Mix(Offset, BigramSeed), previous), hash);
            }
            previous = hash;
        }
        wordFeatures = count;
        // Character n-grams see emoticons, "!!!", "n't" and word stems that the words alone miss.
        for (var n = 3; n <= 4; n++)
        {
            for (var s = 0; s + n <= text.Length; s++)
            {
                var hash = Mix(Mix(Offset, CharSeed), (ulong)n);
                for (var k = s; k < s + n; k++)
                {
                    hash = Mix(hash, Lower(text[k]));
                }
                into[count++] = hash;
            }
        }
        return count;
    }

    private static char Lower(char c) =>
        c < 128 ? (c is >= 'A' and <= 'Z' ? (char)(c | 0x20) : char.IsWhiteSpace(c) ? ' ' : c)
            : c == '\u2019' ? '\'' : char.ToLowerInvariant(c);

    private static ulong Mix(ulong hash, ulong value) => (hash ^ value) * Prime;
}
