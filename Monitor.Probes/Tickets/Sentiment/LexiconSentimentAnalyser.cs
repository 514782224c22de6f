using System.Buffers;

namespace Monitor.Probes.Tickets.Sentiment;

/// <summary>
/// A rule-based analyser in the manner of VADER (Hutto &amp; Gilbert, 2014): word and phrase valences from a
/// <see cref="SentimentLexicon"/>, adjusted by negation, boosters, "but" clauses, ALL CAPS, exclamation and
/// question marks, then squashed into [-1, +1]. Thread-safe and allocation-free per call apart from pooled
/// buffers, so one instance serves the whole process.
/// </summary>
public sealed class LexiconSentimentAnalyser : ISentimentAnalyser
{
    private const int StackLimit = 512;

    private readonly SentimentLexicon _lexicon;

    /// <summary>Creates an analyser over <paramref name="lexicon"/>.</summary>
    public LexiconSentimentAnalyser(SentimentLexicon lexicon)
    {
        ArgumentNullException.ThrowIfNull(lexicon);
        _lexicon = lexicon;
    }

    /// <summary>The lexicon's language tag.</summary>
    public string Language => _lexicon.Language;

    /// <inheritdoc />
    public SentimentResult Analyse(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return default;
        }
        char[]? rentedChars = null;
        Token[]? rentedTokens = null;
        try
        {
            var lower = text.Length <= StackLimit ? stackalloc char[text.Length] : (rentedChars = ArrayPool<char>.Shared.Rent(text.Length));
            var tokens = text.Length <= StackLimit
                ? stackalloc Token[text.Length]
                : (rentedTokens = ArrayPool<Token>.Shared.Rent(text.Length));
            var shape = new TextShape();
            var count = Tokeniser.Tokenise(text, lower, tokens, _lexicon, ref shape);
            return Score(tokens[..count], lower[..text.Length], shape);
        }
        finally
        {
            if (rentedChars is not null)
            {
                ArrayPool<char>.Shared.Return(rentedChars);
            }
            if (rentedTokens is not null)
            {
                ArrayPool<Token>.Shared.Return(rentedTokens);
            }
        }
    }

    private SentimentResult Score(ReadOnlySpan<Token> tokens, ReadOnlySpan<char> lower, TextShape shape)
    {
        // Shouting counts only against a background of normal text, as in "still not working AGAIN".
        var capsMatter = shape.AllCapsWords > 0 && shape.OtherWords > 0;
        var tally = new Tally();
        var clause = new ClauseState();
        for (var i = 0; i < tokens.Length; i++)
        {
            ref readonly var token = ref tokens[i];
            switch (token.Kind)
            {
                case TokenKind.SentenceBreak:
                    clause = default;
                    continue;
                case TokenKind.ClauseBreak:
                    clause = default;
                    continue;
                case TokenKind.Symbol:
                    // Emoticons stand apart from the words around them: no negation or boosting.
                    tally.Add(token.Valence);
                    continue;
            }

            float valence;
            var caps = token.AllCaps;
            var length = _lexicon.Phrases.Match(tokens, i, lower, out valence);
            if (length == 0 && _lexicon.ModifierPhrases.Match(tokens, i, lower, out var modifier) is var modifierLength and > 0)
            {
                var negating = modifier.Kind == ModifierKind.Negator;
                clause.Apply(modifier, caps && capsMatter);
                if (!negating)
                {
                    clause.SkipModifier(modifierLength);
                }
                i += modifierLength - 1;
                continue;
            }
            if (length == 0)
            {
                var word = token.Text(lower);
                if (_lexicon.ModifierLookup.TryGetValue(word, out modifier) || IsContractedNegation(word, out modifier))
                {
                    if (modifier.Kind == ModifierKind.Contrast)
                    {
                        tally.Contrast();
                    }
                    clause.Apply(modifier, caps && capsMatter);
                    if (modifier.Kind == ModifierKind.Booster)
                    {
                        clause.SkipModifier(1);
                    }
                    continue;
                }
                if (word.SequenceEqual("least") && !AfterAtOrVery(tokens, i, lower))
                {
                    clause.NegateNextWord();
                    continue;
                }
                length = 1;
                _lexicon.WordLookup.TryGetValue(word, out valence);
            }
            for (var k = 1; k < length; k++)
            {
                caps |= tokens[i + k].AllCaps;
            }
            i += length - 1;
            if (valence != 0)
            {
                tally.Add(clause.Adjust(valence, caps && capsMatter));
            }
            clause.NextWord();
        }
        return tally.Result(shape);
    }

    // "at least" and "very least" are not negations: "at least it works".
    private static bool AfterAtOrVery(ReadOnlySpan<Token> tokens, int i, ReadOnlySpan<char> lower) =>
        i > 0 && tokens[i - 1].Kind == TokenKind.Word && tokens[i - 1].Text(lower) is "at" or "very";

    private static bool IsContractedNegation(ReadOnlySpan<char> word, out Modifier modifier)
    {
        modifier = new Modifier(ModifierKind.Negator, 0);
        return word.EndsWith("n't", StringComparison.Ordinal);
    }
}
