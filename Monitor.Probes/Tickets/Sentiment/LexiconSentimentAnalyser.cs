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
    // Rule weights are the empirically derived ones the VADER paper reports; they do not depend on language.
    private const float CapsEmphasis = 0.733f;
    private const float NegationFactor = -0.74f;
    private const int NegationScope = 3;
    private const float BeforeContrastWeight = 0.5f;
    private const float AfterContrastWeight = 1.5f;
    private const float ExclamationEmphasis = 0.292f;
    private const int MaxExclamations = 4;
    private const float QuestionEmphasis = 0.18f;
    private const float ManyQuestionsEmphasis = 0.96f;
    private const double Alpha = 15;
    // Confidence reaches about 0.63 when the absolute valences add up to this much (two clear words).
    private const double EvidenceScale = 4;
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
            var tokens = text.Length <= StackLimit ? stackalloc Token[text.Length] : (rentedTokens = ArrayPool<Token>.Shared.Rent(text.Length));
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
                    tally.EndSentence();
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
                clause.Apply(modifier, caps && capsMatter);
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
        tally.EndSentence();
        return tally.Result(shape);
    }

    private static bool IsContractedNegation(ReadOnlySpan<char> word, out Modifier modifier)
    {
        modifier = new Modifier(ModifierKind.Negator, 0);
        return word.EndsWith("n't", StringComparison.Ordinal);
    }

    /// <summary>What the modifiers seen so far in the current clause do to the next sentiment word.</summary>
    private struct ClauseState
    {
        private int _negationLeft;
        private float _boost;
        private int _wordsSinceBoost;

        public void Apply(Modifier modifier, bool shouted)
        {
            switch (modifier.Kind)
            {
                case ModifierKind.Negator:
                    _negationLeft = NegationScope;
                    break;
                case ModifierKind.Booster:
                    var value = modifier.Value + (shouted ? MathF.CopySign(CapsEmphasis, modifier.Value) : 0);
                    // "very very slow" stacks; a booster far behind has faded already.
                    _boost = _wordsSinceBoost < NegationScope && _boost != 0 ? _boost + value : value;
                    _wordsSinceBoost = 0;
                    break;
                case ModifierKind.Contrast:
                    this = default;
                    break;
            }
        }

        public readonly float Adjust(float valence, bool shouted)
        {
            var v = valence;
            if (shouted)
            {
                v += MathF.CopySign(CapsEmphasis, v);
            }
            if (_boost != 0 && _wordsSinceBoost < 3)
            {
                // A diminisher shrinks a valence towards zero, never past it.
                var boosted = v + MathF.Sign(v) * _boost * (1 - 0.05f * _wordsSinceBoost);
                v = MathF.Sign(boosted) == MathF.Sign(v) ? boosted : 0;
            }
            if (_negationLeft > 0)
            {
                v *= NegationFactor;
            }
            return v;
        }

        public void NextWord()
        {
            if (_negationLeft > 0)
            {
                _negationLeft--;
            }
            _wordsSinceBoost++;
        }
    }

    /// <summary>Sums valences per sentence with the "but" weighting, and the evidence for the confidence.</summary>
    private struct Tally
    {
        private double _total;
        private double _beforeContrast;
        private double _afterContrast;
        private bool _contrasted;
        private double _positive;
        private double _negative;

        public void Add(float valence)
        {
            if (_contrasted)
            {
                _afterContrast += valence;
            }
            else
            {
                _beforeContrast += valence;
            }
            if (valence > 0)
            {
                _positive += valence;
            }
            else
            {
                _negative -= valence;
            }
        }

        public void Contrast() => _contrasted = true;

        public void EndSentence()
        {
            _total += _contrasted
                ? BeforeContrastWeight * _beforeContrast + AfterContrastWeight * _afterContrast
                : _beforeContrast;
            _beforeContrast = _afterContrast = 0;
            _contrasted = false;
        }

        public readonly SentimentResult Result(TextShape shape)
        {
            var evidence = _positive + _negative;
            if (evidence == 0 || _total == 0)
            {
                return new SentimentResult(0, evidence == 0 ? 0 : Confidence(evidence, 0));
            }
            var emphasis = Math.Min(shape.Exclamations, MaxExclamations) * ExclamationEmphasis
                + (shape.Questions > 1 ? (shape.Questions <= 3 ? shape.Questions * QuestionEmphasis : ManyQuestionsEmphasis) : 0);
            var total = _total + Math.CopySign(emphasis, _total);
            var score = Math.Clamp(total / Math.Sqrt(total * total + Alpha), -1, 1);
            return new SentimentResult(score, Confidence(evidence, Math.Abs(_positive - _negative) / evidence));
        }

        // More sentiment-bearing evidence gives more confidence; evidence that pulls both ways gives less.
        private static double Confidence(double evidence, double agreement) =>
            (1 - Math.Exp(-evidence / EvidenceScale)) * (0.5 + 0.5 * agreement);
    }
}
