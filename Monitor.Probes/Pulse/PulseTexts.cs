using System.Collections.Concurrent;
using System.Globalization;
using System.Resources;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Monitor.Core.Privacy;

namespace Monitor.Probes.Pulse;

/// <summary>
/// The pulse's person-facing words in a person's language, from the resource files through
/// <see cref="IStringLocalizer{T}"/>. The localiser reads <see cref="CultureInfo.CurrentUICulture"/>, so each
/// lookup sets it for its own duration (a pulse run addresses many people, each in their own language).
/// </summary>
public sealed class PulseTexts(IStringLocalizer<PulseStrings> localizer)
{
    private static readonly ResourceManager Resources = new(typeof(PulseStrings));
    private static readonly ConcurrentDictionary<string, bool> ShippedCache = new();

    /// <summary>For code built without a service provider (tests, tools).</summary>
    public static PulseTexts Default { get; } = new(new StringLocalizer<PulseStrings>(new ResourceManagerStringLocalizerFactory(
        Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance)));

    /// <summary>The language a directory locale is addressed in (see <see cref="PulseLanguage"/>).</summary>
    public static PulseLanguage Language(string? locale) => PulseLanguage.Of(locale, IsShipped);

    /// <summary>Whether the culture has its own resource file (English is the neutral one).</summary>
    public static bool IsShipped(CultureInfo culture) => ShippedCache.GetOrAdd(culture.Name, _ =>
        culture.TwoLetterISOLanguageName == "en" && culture.Parent.Equals(CultureInfo.InvariantCulture)
        || Resources.GetResourceSet(culture, createIfNotExists: true, tryParents: false) is not null);

    /// <summary>The string of <paramref name="key"/>, formatted with the language's culture.</summary>
    public string Get(PulseLanguage language, string key, params object?[] args)
    {
        var previous = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = language.Culture;
            var s = localizer[key];
            if (s.ResourceNotFound) throw new KeyNotFoundException($"The pulse resources have no string '{key}'.");
            return args.Length == 0 ? s.Value : string.Format(language.Culture, s.Value, args);
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    /// <summary>Whether <paramref name="key"/> has a string (in English, so in every language).</summary>
    public static bool Has(string key) => Resources.GetString(key, CultureInfo.InvariantCulture) is not null;

    public string Answer(PulseLanguage language, PulseAnswer answer) => Get(language, $"Answer.{answer.Key}");

    /// <summary>The one sentence of the pulse's footer that says who sees the answer in the privacy mode.</summary>
    /// <param name="minGroupSize">The smallest group a figure describes (<c>Privacy:MinGroupSize</c>), which anonymous mode names.</param>
    public string WhoSees(PulseLanguage language, PrivacyMode mode, int minGroupSize = 5) =>
        Get(language, $"Mail.WhoSees.{mode}", minGroupSize);

    /// <summary>
    /// The questions of a set in the language: a configured set's translation for the most specific culture of the
    /// language's chain (<c>Pulse:QuestionSetTranslations</c>), else its configured text; a built-in set from the resources.
    /// </summary>
    public string[]? Questions(string set, PulseOptions options, PulseLanguage language)
    {
        if (options.QuestionSets.TryGetValue(set, out var configured))
        {
            if (options.QuestionSetTranslations.TryGetValue(set, out var byCulture))
            {
                foreach (var c in language.Chain())
                {
                    var match = byCulture.FirstOrDefault(t => string.Equals(t.Key, c.Name, StringComparison.OrdinalIgnoreCase));
                    if (match.Value is { } t) return t;
                }
            }
            return configured;
        }
        return PulseQuestions.BuiltIn.TryGetValue(set, out var builtIn)
            ? builtIn.Select((_, i) => Get(language, $"Question.{set}.{i}")).ToArray()
            : null;
    }

    /// <summary>
    /// A factor's label: configured (<c>Pulse:Factors:Labels:&lt;key&gt;:&lt;culture&gt;</c>), else the resources, else the key.
    /// </summary>
    public string Factor(PulseLanguage language, string key, FactorOptions factors)
    {
        if (factors.Labels.TryGetValue(key, out var labels))
        {
            foreach (var name in language.Chain().Select(c => c.Name).Append("en"))
            {
                if (labels.FirstOrDefault(l => string.Equals(l.Key, name, StringComparison.OrdinalIgnoreCase)).Value is { } l) return l;
            }
        }
        return Has($"Factor.{key}") ? Get(language, $"Factor.{key}") : key.Replace('_', ' ');
    }

    public string LostTime(PulseLanguage language, string key) => Get(language, $"LostTime.{key}");
}
