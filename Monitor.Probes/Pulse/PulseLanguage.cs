using System.Globalization;

namespace Monitor.Probes.Pulse;

/// <summary>
/// The language a person is addressed in: <see cref="Culture"/> picks the strings (with the resource manager's
/// parent fallback, fr-CA → fr → English) and formats dates and numbers; it is the person's own culture when
/// a language of its parent chain has resources, otherwise English. So <c>lang</c> and <c>dir</c> always
/// describe the language actually shown: an Arabic locale without Arabic resources reads English, left to right.
/// </summary>
public sealed record PulseLanguage(CultureInfo Culture)
{
    public static readonly PulseLanguage English = new(CultureInfo.GetCultureInfo("en"));

    /// <summary>The value of the <c>lang</c> attribute.</summary>
    public string Tag => Culture.Name;

    /// <summary>The value of the <c>dir</c> attribute.</summary>
    public string Direction => Culture.TextInfo.IsRightToLeft ? "rtl" : "ltr";

    /// <summary>The culture and its parents, most specific first, without the invariant culture.</summary>
    public IEnumerable<CultureInfo> Chain()
    {
        for (var c = Culture; !Equals(c, CultureInfo.InvariantCulture); c = c.Parent) yield return c;
    }

    /// <summary>
    /// The language of a directory locale (e.g. <c>fr-CA</c>): the culture itself when <paramref name="shipped"/>
    /// says a language of its chain has strings, else English. Unknown or empty locales read English.
    /// </summary>
    public static PulseLanguage Of(string? locale, Func<CultureInfo, bool> shipped)
    {
        if (string.IsNullOrWhiteSpace(locale)) return English;
        CultureInfo culture;
        try
        {
            culture = CultureInfo.GetCultureInfo(locale.Trim().Replace('_', '-'), predefinedOnly: true);
        }
        catch (CultureNotFoundException)
        {
            return English;
        }
        var candidate = new PulseLanguage(culture);
        return candidate.Chain().Any(shipped) ? candidate : English;
    }
}
