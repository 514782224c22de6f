using System.Reflection;

namespace Monitor.Probes.Tickets.Sentiment;

/// <summary>
/// The lexicons shipped inside this assembly as embedded resources named
/// <c>sentiment/&lt;lang&gt;/&lt;file&gt;.tsv</c> and <c>sentiment/emoji.tsv</c> (see the csproj).
/// </summary>
public static class LexiconResources
{
    private const string Prefix = "sentiment/";
    private static readonly Assembly Assembly = typeof(LexiconResources).Assembly;

    /// <summary>Language tags that have an embedded word list.</summary>
    public static IReadOnlyList<string> Languages { get; } = Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith("/words.tsv", StringComparison.Ordinal))
        .Select(n => n[Prefix.Length..^"/words.tsv".Length])
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>Loads the embedded lexicon of <paramref name="language"/> (an exact tag from <see cref="Languages"/>).</summary>
    public static SentimentLexicon Load(string language)
    {
        var tag = Languages.FirstOrDefault(l => string.Equals(l, language, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"No embedded sentiment lexicon for '{language}'.", nameof(language));
        using var words = Open($"{tag}/words.tsv");
        using var domain = Open($"{tag}/domain.tsv");
        using var modifiers = Open($"{tag}/modifiers.tsv");
        using var emoji = Open("emoji.tsv");
        return SentimentLexicon.Parse(tag, words, domain, modifiers, emoji);
    }

    /// <summary>
    /// The embedded trained model of <paramref name="language"/> (<c>sentiment/&lt;lang&gt;/model.tsv</c>), or null
    /// when the language has none and is scored by its lexicon alone.
    /// </summary>
    public static LinearSentimentModel? LoadModel(string language)
    {
        var tag = Languages.FirstOrDefault(l => string.Equals(l, language, StringComparison.OrdinalIgnoreCase));
        if (tag is null || Assembly.GetManifestResourceStream($"{Prefix}{tag}/model.tsv") is not { } stream)
        {
            return null;
        }
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
        return LinearSentimentModel.Load(reader);
    }

    // A language may leave out any file but its word list; a missing one reads as empty.
    private static TextReader Open(string name) =>
        Assembly.GetManifestResourceStream(Prefix + name) is { } stream
            ? new StreamReader(stream, System.Text.Encoding.UTF8)
            : new StringReader(string.Empty);
}
