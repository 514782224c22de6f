using System.Collections.Concurrent;

namespace Monitor.Probes.Tickets.Sentiment;

/// <summary>
/// Picks the sentiment analyser for a language. Every language with an embedded lexicon
/// (<c>Lexicons/&lt;lang&gt;/words.tsv</c>) is available out of the box, with its trained model
/// (<c>model.tsv</c>, <see cref="HybridSentimentAnalyser"/>) where it ships one; <see cref="Register"/> adds or
/// replaces one. Analysers are built once per language and shared.
/// </summary>
public static class SentimentAnalysers
{
    private static readonly ConcurrentDictionary<string, Lazy<ISentimentAnalyser>> Registered = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Languages that have an analyser: the embedded lexicons and the registered ones.</summary>
    public static IReadOnlyCollection<string> Languages =>
        LexiconResources.Languages.Union(Registered.Keys, StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// The analyser for a language tag ("en", "en-GB": the region falls back to the language).
    /// Throws <see cref="ArgumentException"/> for a language without one; see <see cref="TryForLanguage"/>.
    /// </summary>
    public static ISentimentAnalyser ForLanguage(string language) =>
        TryForLanguage(language, out var analyser)
            ? analyser
            : throw new ArgumentException(
                $"No sentiment analyser for language '{language}'. Available: {string.Join(", ", Languages)}.", nameof(language));

    /// <summary>Like <see cref="ForLanguage"/>, but returns false instead of throwing.</summary>
    public static bool TryForLanguage(
        string? language, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ISentimentAnalyser? analyser)
    {
        analyser = null;
        if (string.IsNullOrWhiteSpace(language))
        {
            return false;
        }
        foreach (var candidate in Candidates(language.Trim()))
        {
            if (Registered.TryGetValue(candidate, out var registered))
            {
                analyser = registered.Value;
                return true;
            }
            if (LexiconResources.Languages.Contains(candidate, StringComparer.OrdinalIgnoreCase))
            {
                var lazy = Registered.GetOrAdd(candidate, static (_, lang) =>
                    new Lazy<ISentimentAnalyser>(() => Build(lang)), candidate);
                analyser = lazy.Value;
                return true;
            }
        }
        return false;
    }

    /// <summary>Adds or replaces the analyser for <paramref name="language"/>; the factory runs once, on first use.</summary>
    public static void Register(string language, Func<ISentimentAnalyser> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(language);
        ArgumentNullException.ThrowIfNull(factory);
        Registered[language.Trim()] = new Lazy<ISentimentAnalyser>(factory);
    }

    // A language with a trained model is scored by the model and lexicon together, otherwise by the lexicon.
    private static ISentimentAnalyser Build(string language)
    {
        var lexicon = new LexiconSentimentAnalyser(LexiconResources.Load(language));
        return LexiconResources.LoadModel(language) is { } model ? new HybridSentimentAnalyser(lexicon, model) : lexicon;
    }

    private static IEnumerable<string> Candidates(string language)
    {
        yield return language;
        var dash = language.IndexOfAny(['-', '_']);
        if (dash > 0)
        {
            yield return language[..dash];
        }
    }
}
