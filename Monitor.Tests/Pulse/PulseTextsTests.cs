using System.Collections;
using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;
using Monitor.Probes.Pulse;

namespace Monitor.Tests.Pulse;

/// <summary>The pulse's resource files: every language complete, and the fallbacks from a directory locale.</summary>
public sealed partial class PulseTextsTests
{
    private static readonly string[] Languages = ["fr", "de", "es"];
    private static readonly ResourceManager Resources = new(typeof(PulseStrings));

    private static Dictionary<string, string> Set(CultureInfo culture) =>
        Resources.GetResourceSet(culture, createIfNotExists: true, tryParents: false)!.Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string)e.Value!);

    [Test]
    public void Every_language_has_every_string_with_the_same_placeholders()
    {
        var english = Set(CultureInfo.InvariantCulture);
        Assert.That(english, Has.Count.GreaterThan(40));
        foreach (var language in Languages)
        {
            var set = Set(CultureInfo.GetCultureInfo(language));
            Assert.That(set.Keys, Is.EquivalentTo(english.Keys), language);
            foreach (var (key, text) in english)
            {
                Assert.That(Placeholders(set[key]), Is.EqualTo(Placeholders(text)), $"{language}: {key}");
                Assert.That(set[key], Is.Not.Empty, $"{language}: {key}");
            }
        }
    }

    private static string[] Placeholders(string s) => [.. Placeholder().Matches(s).Select(m => m.Value).Order()];

    [GeneratedRegex(@"\{\d+(:[^}]*)?\}")]
    private static partial Regex Placeholder();

    [TestCase("fr-FR", "fr-FR", "Envoyer")]
    [TestCase("fr-CA", "fr-CA", "Envoyer")]
    [TestCase("fr", "fr", "Envoyer")]
    [TestCase("de-AT", "de-AT", "Senden")]
    [TestCase("es_MX", "es-MX", "Enviar")]
    [TestCase("en-GB", "en-GB", "Send")]
    [TestCase("ja-JP", "en", "Send")]
    [TestCase("", "en", "Send")]
    [TestCase("not a culture", "en", "Send")]
    public void A_locale_falls_back_by_parent_culture_then_to_english(string locale, string shown, string send)
    {
        var language = PulseTexts.Language(locale);
        Assert.That(language.Tag, Is.EqualTo(shown));
        Assert.That(PulseTexts.Default.Get(language, "Landing.Send"), Is.EqualTo(send));
        Assert.That(language.Direction, Is.EqualTo("ltr"));
    }

    [Test]
    public void Direction_follows_the_language_actually_shown()
    {
        // No Arabic resources ship, so an Arabic reader gets English, left to right...
        Assert.That((PulseTexts.Language("ar-EG").Tag, PulseTexts.Language("ar-EG").Direction), Is.EqualTo(("en", "ltr")));
        // ...and once a right-to-left language has strings, its pages turn right to left.
        var arabic = PulseLanguage.Of("ar-EG", c => c.Name == "ar");
        Assert.That((arabic.Tag, arabic.Direction), Is.EqualTo(("ar-EG", "rtl")));
        Assert.That(PulseLanguage.Of("he", c => c.Name == "he").Direction, Is.EqualTo("rtl"));
    }

    [Test]
    public void Dates_and_numbers_follow_the_culture()
    {
        var at = new DateTime(2026, 3, 5, 14, 30, 0);
        Assert.That(PulseTexts.Default.Get(PulseTexts.Language("de-DE"), "Page.Expired.Text", at), Does.Contain("5. März 2026 14:30"));
        Assert.That(PulseTexts.Default.Get(PulseTexts.Language("en-US"), "Page.Expired.Text", at), Does.Contain("March 5, 2026"));
        Assert.That(PulseTexts.Default.Get(PulseTexts.Language("fr-FR"), "Thanks.TooLong.Text", 4000), Does.Contain("4\u202f000"));
        Assert.That(PulseTexts.Default.Get(PulseTexts.Language("en-GB"), "Thanks.TooLong.Text", 4000), Does.Contain("4,000"));
    }

    [Test]
    public void Built_in_question_sets_are_translated_and_configured_sets_use_their_translations()
    {
        var options = new PulseOptions
        {
            QuestionSets = new() { ["custom"] = ["Is it fixed?"] },
            QuestionSetTranslations = new() { ["custom"] = new() { ["fr"] = ["Est-ce réparé ?"], ["fr-CA"] = ["C'est-tu réglé?"] } },
        };
        var t = PulseTexts.Default;
        Assert.That(t.Questions("value", options, PulseTexts.Language("de"))![1], Is.EqualTo("Wie viel Nutzen bringt die IT Ihrem Team?"));
        Assert.That(t.Questions("default", options, PulseTexts.Language("es-ES"))!, Has.Length.EqualTo(1));
        Assert.That(t.Questions("custom", options, PulseTexts.Language("fr-CA"))![0], Is.EqualTo("C'est-tu réglé?"));
        Assert.That(t.Questions("custom", options, PulseTexts.Language("fr-BE"))![0], Is.EqualTo("Est-ce réparé ?"));
        Assert.That(t.Questions("custom", options, PulseTexts.Language("de"))![0], Is.EqualTo("Is it fixed?"));
        Assert.That(t.Questions("missing", options, PulseTexts.Language("de")), Is.Null);
    }

    [Test]
    public void Translations_and_factors_are_validated_naming_the_full_key()
    {
        var options = new PulseOptions
        {
            QuestionSets = new() { ["custom"] = ["One?", "Two?"] },
            QuestionSetTranslations = new()
            {
                ["custom"] = new() { ["fr"] = ["Un ?"], ["xx-nope"] = ["?", "?"] }, ["value"] = new() { ["fr"] = ["?"] },
            },
            Factors = new FactorOptions { Good = ["speed", "Bad Key", "speed"] },
        };
        var failures = new PulseOptionsValidator().Validate(null, options).Failures!.ToList();
        Assert.That(failures, Has.Some.StartsWith("Pulse:QuestionSetTranslations:custom:fr must give all 2"));
        Assert.That(failures, Has.Some.StartsWith("Pulse:QuestionSetTranslations:custom:xx-nope is not a culture"));
        Assert.That(failures, Has.Some.StartsWith("Pulse:QuestionSetTranslations:value translates a set"));
        Assert.That(failures, Has.Some.StartsWith("Pulse:Factors:Good:1 must be a short identifier"));
        Assert.That(failures, Has.Some.StartsWith("Pulse:Factors:Good lists a factor twice"));
    }
}

/// <summary>The "you said, we did" note's words for engineer B's e-mail.</summary>
public sealed class NotificationTextsTests
{
    [TestCase("es-ES", "Usted lo dijo, nosotros lo hicimos: VPN", "Hola, Ana:", "El lunes, 2 de noviembre de 2026 le")]
    [TestCase("fr-CA", "Vous l’avez dit, nous l’avons fait : VPN", "Bonjour Ana,", "Le lundi 2 novembre 2026, nous")]
    [TestCase("ja-JP", "You said, we did: VPN", "Hello Ana,", "On Monday, November 2, 2026 we will")]
    public void The_you_said_we_did_note_is_in_the_persons_language(string locale, string subject, string greeting, string asked)
    {
        var user = new Monitor.Core.Users.User("a", "a@example.com", "Ana", "Ops", "Madrid", null, Monitor.Core.Users.Rank.IndividualContributor,
            "Europe/Madrid", locale, true, false);
        var note = NotificationTexts.YouSaidWeDid(PulseTexts.Default, user, "VPN drops", "VPN", "We replaced the VPN gateway.",
            new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));
        Assert.That(note.Subject, Is.EqualTo(subject));
        Assert.That(note.Paragraphs[0], Is.EqualTo(greeting));
        Assert.That(note.Paragraphs[1], Does.Contain("VPN drops"));
        Assert.That(note.Paragraphs[3], Does.Contain(asked));
        Assert.That(note.Paragraphs[2], Does.EndWith("We replaced the VPN gateway."));
    }
}
