using System.Text;

namespace Monitor.Probes.Tickets.Sentiment;

/// <summary>
/// The data behind <see cref="LexiconSentimentAnalyser"/> for one language: word and phrase valences
/// (on VADER's -4 … +4 scale), boosters, negators, contrast words and emoji. Built once, read-only after,
/// so one instance is shared by every thread.
/// </summary>
public sealed class SentimentLexicon
{
    internal Dictionary<string, float> Words { get; } = new(StringComparer.Ordinal);
    internal Dictionary<string, float>.AlternateLookup<ReadOnlySpan<char>> WordLookup { get; }
    internal Dictionary<string, float> Emoticons { get; } = new(StringComparer.Ordinal);
    internal Dictionary<string, float>.AlternateLookup<ReadOnlySpan<char>> EmoticonLookup { get; }
    internal Dictionary<int, float> Emoji { get; } = [];
    internal Dictionary<string, Modifier> Modifiers { get; } = new(StringComparer.Ordinal);
    internal Dictionary<string, Modifier>.AlternateLookup<ReadOnlySpan<char>> ModifierLookup { get; }
    internal PhraseTable<float> Phrases { get; } = new();
    internal PhraseTable<Modifier> ModifierPhrases { get; } = new();

    /// <summary>The language tag this lexicon is for, e.g. "en".</summary>
    public string Language { get; }

    /// <summary>Number of scored words, phrases and emoji (not counting modifiers).</summary>
    public int EntryCount => Words.Count + Emoticons.Count + Phrases.Count + Emoji.Count;

    private SentimentLexicon(string language)
    {
        Language = language;
        WordLookup = Words.GetAlternateLookup<ReadOnlySpan<char>>();
        EmoticonLookup = Emoticons.GetAlternateLookup<ReadOnlySpan<char>>();
        ModifierLookup = Modifiers.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>
    /// Builds a lexicon from its text files (tab-separated, '#' starts a comment line):
    /// general words (<c>term, valence</c>), domain phrases that override them (<c>term, valence</c>),
    /// modifiers (<c>kind, term, value</c>) and emoji (<c>emoji, valence</c>). Any reader may be empty.
    /// </summary>
    public static SentimentLexicon Parse(string language, TextReader words, TextReader domain, TextReader modifiers, TextReader emoji)
    {
        var lexicon = new SentimentLexicon(language);
        foreach (var (term, value) in LexiconFile.ReadValences(words))
        {
            lexicon.AddValence(term, value);
        }
        // Domain entries come second so that they override the general list.
        foreach (var (term, value) in LexiconFile.ReadValences(domain))
        {
            lexicon.AddValence(term, value);
        }
        foreach (var (kind, term, value) in LexiconFile.ReadModifiers(modifiers))
        {
            lexicon.AddModifier(kind, term, value);
        }
        foreach (var (term, value) in LexiconFile.ReadValences(emoji))
        {
            if (Rune.DecodeFromUtf16(term, out var rune, out _) == System.Buffers.OperationStatus.Done)
            {
                lexicon.Emoji[rune.Value] = value;
            }
        }
        return lexicon;
    }

    private void AddValence(string term, float value)
    {
        if (!LexiconFile.IsWordLike(term))
        {
            // Emoticons keep their case: ":D" is a grin, "D:" is dismay.
            Emoticons[term] = value;
            return;
        }
        var words = term.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 1)
        {
            Words[words[0]] = value;
        }
        else if (words.Length > 1)
        {
            Phrases.Set(words, value);
        }
    }

    private void AddModifier(ModifierKind kind, string term, float value)
    {
        var words = term.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var modifier = new Modifier(kind, value);
        if (words.Length == 1)
        {
            Modifiers[words[0]] = modifier;
        }
        else if (words.Length > 1)
        {
            ModifierPhrases.Set(words, modifier);
        }
    }
}

/// <summary>What a modifier word does to the sentiment words after it.</summary>
internal enum ModifierKind : byte { Booster, Negator, Contrast }

internal readonly record struct Modifier(ModifierKind Kind, float Value);
