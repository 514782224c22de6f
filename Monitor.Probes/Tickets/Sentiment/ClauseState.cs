using static Monitor.Probes.Tickets.Sentiment.SentimentWeights;

namespace Monitor.Probes.Tickets.Sentiment;

/// <summary>What the modifiers seen so far in the current clause do to the next sentiment word.</summary>
internal struct ClauseState
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

    /// <summary>
    /// A modifier of <paramref name="words"/> words stands between a negator and the word it reaches: as in VADER,
    /// negation reaches the next three tokens, whatever they are ("not the very best" is negated, "does not certify
    /// the incredibly bad" is not).
    /// </summary>
    public void SkipModifier(int words)
    {
        _negationLeft = Math.Max(0, _negationLeft - words);
    }

    /// <summary>VADER's "least" rule: "the least painful way" negates the one word after it.</summary>
    public void NegateNextWord()
    {
        _negationLeft = 1;
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
