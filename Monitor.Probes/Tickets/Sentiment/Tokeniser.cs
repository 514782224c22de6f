using System.Text;

namespace Monitor.Probes.Tickets.Sentiment;

/// <summary>What a token is to the scorer.</summary>
internal enum TokenKind : byte
{
    /// <summary>A word; its lower-case text is at Start/Length of the lowered buffer.</summary>
    Word,
    /// <summary>An emoticon or emoji that carries its own valence.</summary>
    Symbol,
    /// <summary>A comma, semicolon or colon: ends the reach of negators and boosters.</summary>
    ClauseBreak,
    /// <summary>End of a sentence (. ! ? or a line break): ends the reach of negators and boosters.</summary>
    SentenceBreak,
}

internal struct Token
{
    public int Start;
    public int Length;
    public TokenKind Kind;
    public bool AllCaps;
    public float Valence;

    public readonly ReadOnlySpan<char> Text(ReadOnlySpan<char> lower) => lower.Slice(Start, Length);
}

/// <summary>Counts the tokeniser gathers on the way, for the emphasis rules.</summary>
internal struct TextShape
{
    public int Exclamations;
    public int Questions;
    public int AllCapsWords;
    public int OtherWords;
}

/// <summary>
/// Splits text into words, emoticons, emoji and breaks in one pass without allocating: the caller hands in
/// a buffer for the lower-cased text and one for the tokens (each at least as long as the text, plus one).
/// </summary>
internal static class Tokeniser
{
    public static int Tokenise(ReadOnlySpan<char> text, Span<char> lower, Span<Token> tokens, SentimentLexicon lexicon, ref TextShape shape)
    {
        for (var k = 0; k < text.Length; k++)
        {
            var c = text[k];
            lower[k] = c < 128 ? (c is >= 'A' and <= 'Z' ? (char)(c | 0x20) : c) : c == '\u2019' ? '\'' : char.ToLowerInvariant(c);
        }
        var count = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                if (c == '\n')
                {
                    AddBreak(tokens, ref count, TokenKind.SentenceBreak);
                }
                i++;
                continue;
            }
            var end = i;
            while (end < text.Length && !char.IsWhiteSpace(text[end]))
            {
                end++;
            }
            Chunk(text, lower, i, end, tokens, ref count, lexicon, ref shape);
            i = end;
        }
        return count;
    }

    private static void Chunk(
        ReadOnlySpan<char> text, ReadOnlySpan<char> lower, int start, int end, Span<Token> tokens, ref int count,
        SentimentLexicon lexicon, ref TextShape shape)
    {
        // An emoticon is a whole chunk, perhaps with sentence punctuation after it (":)!").
        var trimmed = end;
        while (trimmed > start + 2 && text[trimmed - 1] is '.' or ',' or '!' or '?')
        {
            trimmed--;
        }
        if (trimmed - start >= 2 && !IsPlainWord(text[start..trimmed])
            && (lexicon.EmoticonLookup.TryGetValue(text[start..trimmed], out var valence)
                || lexicon.EmoticonLookup.TryGetValue(lower[start..trimmed], out valence)))
        {
            tokens[count++] = new Token { Start = start, Length = trimmed - start, Kind = TokenKind.Symbol, Valence = valence };
            start = trimmed;
        }

        var i = start;
        while (i < end)
        {
            var c = text[i];
            if (char.IsLetterOrDigit(c))
            {
                i = Word(text, i, end, tokens, ref count, ref shape);
                continue;
            }
            switch (c)
            {
                case '!':
                    shape.Exclamations++;
                    AddBreak(tokens, ref count, TokenKind.SentenceBreak);
                    break;
                case '?':
                    shape.Questions++;
                    AddBreak(tokens, ref count, TokenKind.SentenceBreak);
                    break;
                case '.':
                    AddBreak(tokens, ref count, TokenKind.SentenceBreak);
                    break;
                case ',' or ';' or ':':
                    AddBreak(tokens, ref count, TokenKind.ClauseBreak);
                    break;
                default:
                    if (c >= 0x2000
                        && Rune.DecodeFromUtf16(text[i..end], out var rune, out var used) == System.Buffers.OperationStatus.Done)
                    {
                        if (lexicon.Emoji.TryGetValue(rune.Value, out var emoji))
                        {
                            tokens[count++] = new Token { Start = i, Length = used, Kind = TokenKind.Symbol, Valence = emoji };
                        }
                        i += used;
                        continue;
                    }
                    break;
            }
            i++;
        }
    }

    private static int Word(ReadOnlySpan<char> text, int start, int end, Span<Token> tokens, ref int count, ref TextShape shape)
    {
        var i = start;
        var upper = 0;
        var lowerCase = 0;
        while (i < end)
        {
            var c = text[i];
            if (char.IsLetterOrDigit(c))
            {
                if (char.IsUpper(c))
                {
                    upper++;
                }
                else if (char.IsLower(c))
                {
                    lowerCase++;
                }
                i++;
            }
            // Apostrophes and hyphens belong to the word only between letters: "doesn't", "log-in".
            else if (c is '\'' or '\u2019' or '-' && i + 1 < end && char.IsLetter(text[i + 1]))
            {
                i++;
            }
            else
            {
                break;
            }
        }
        var allCaps = upper >= 2 && lowerCase == 0;
        if (allCaps)
        {
            shape.AllCapsWords++;
        }
        else if (lowerCase > 0)
        {
            shape.OtherWords++;
        }
        tokens[count++] = new Token { Start = start, Length = i - start, Kind = TokenKind.Word, AllCaps = allCaps };
        return i;
    }

    private static bool IsPlainWord(ReadOnlySpan<char> chunk)
    {
        foreach (var c in chunk)
        {
            if (!char.IsLetterOrDigit(c))
            {
                return false;
            }
        }
        return true;
    }

    private static void AddBreak(Span<Token> tokens, ref int count, TokenKind kind)
    {
        // Runs of breaks ("!!!", "\n\n") collapse into one; a sentence break outranks a clause break.
        if (count > 0 && tokens[count - 1].Kind is TokenKind.ClauseBreak or TokenKind.SentenceBreak)
        {
            if (kind == TokenKind.SentenceBreak)
            {
                tokens[count - 1].Kind = kind;
            }
            return;
        }
        tokens[count++] = new Token { Kind = kind };
    }
}
