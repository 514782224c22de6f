using System.Globalization;

namespace Monitor.Probes.Pulse;

/// <summary>Checks the settings added for languages and factors; part of <see cref="PulseOptionsValidator"/>.</summary>
internal static class PulseOptionsTranslations
{
    public static void Validate(PulseOptions o, List<string> failures)
    {
        var key = $"{PulseOptions.Section}:{nameof(PulseOptions.QuestionSetTranslations)}";
        foreach (var (set, byCulture) in o.QuestionSetTranslations)
        {
            if (!o.QuestionSets.TryGetValue(set, out var questions))
            {
                failures.Add($"{key}:{set} translates a set that is not in {PulseOptions.Section}:{nameof(PulseOptions.QuestionSets)} " +
                             "(built-in sets are translated in the resources).");
                continue;
            }
            foreach (var (culture, texts) in byCulture)
            {
                if (!IsCulture(culture)) failures.Add($"{key}:{set}:{culture} is not a culture name (e.g. fr or fr-CA).");
                else if (texts.Length != questions.Length)
                    failures.Add($"{key}:{set}:{culture} must give all {questions.Length} question(s) of the set (got {texts.Length}).");
                for (var i = 0; i < texts.Length; i++)
                {
                    if (string.IsNullOrWhiteSpace(texts[i]))
                        failures.Add($"{ValidatedOptions.ElementKey(o, $"{key}:{set}:{culture}", i)} is blank: give the question's text in {culture}.");
                }
            }
        }
        var f = $"{PulseOptions.Section}:{nameof(PulseOptions.Factors)}";
        Factors(o, o.Factors.Good, $"{f}:{nameof(FactorOptions.Good)}", failures);
        Factors(o, o.Factors.Bad, $"{f}:{nameof(FactorOptions.Bad)}", failures);
        foreach (var (factor, labels) in o.Factors.Labels)
        {
            foreach (var (culture, label) in labels)
            {
                if (!IsCulture(culture) || string.IsNullOrWhiteSpace(label))
                    failures.Add($"{f}:{nameof(FactorOptions.Labels)}:{factor}:{culture} must be a culture name with a non-empty label.");
            }
        }
    }

    private static void Factors(PulseOptions o, string[] keys, string key, List<string> failures)
    {
        if (keys.Length > 12) failures.Add($"{key} offers at most 12 factors (got {keys.Length}).");
        for (var i = 0; i < keys.Length; i++)
        {
            if (keys[i] is null || !FactorOptions.KeyPattern().IsMatch(keys[i]))
                failures.Add($"{ValidatedOptions.ElementKey(o, key, i)} must be a short identifier of lowercase letters, digits and _ (got '{keys[i]}'); " +
                             "it is a metric label.");
        }
        if (keys.Distinct().Count() != keys.Length) failures.Add($"{key} lists a factor twice.");
    }

    private static bool IsCulture(string name)
    {
        try
        {
            return !string.IsNullOrEmpty(name) && CultureInfo.GetCultureInfo(name, predefinedOnly: true) is not null;
        }
        catch (CultureNotFoundException)
        {
            return false;
        }
    }
}
