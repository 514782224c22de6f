using FsCheck;
using FsCheck.Fluent;
using Monitor.Probes.Tickets.Sentiment;
using NUnit.Framework;

namespace Monitor.Tests.Sentiment;

public sealed class RobustnessTests
{
    private static readonly ISentimentAnalyser Analyser = SentimentAnalysers.ForLanguage("en");

    private static bool InRange(SentimentResult r) =>
        r.Score is >= -1 and <= 1 && r.Confidence is >= 0 and <= 1 && !double.IsNaN(r.Score) && !double.IsNaN(r.Confidence);

    [FsCheck.NUnit.Property(MaxTest = 500)]
    public bool Any_string_scores_within_bounds(string? text) => InRange(Analyser.Analyse(text ?? string.Empty));

    [FsCheck.NUnit.Property(MaxTest = 500)]
    public bool Any_string_cleans_without_throwing(string? text) => TextCleaner.Clean(text) is not null;

    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property Any_mix_of_sentiment_words_scores_within_bounds()
    {
        string[] vocabulary = ["not", "very", "great", "terrible", "but", "!!!", "???", "AGAIN", "still not working", ":)", "😡", "kind of", "no", "n't", ",", ".", "\n", "thanks, works now"];
        var texts = Gen.ListOf(Gen.Elements(vocabulary)).Select(words => string.Join(' ', words));
        return Prop.ForAll(texts.ToArbitrary(), text => InRange(Analyser.Analyse(text)) && InRange(Analyser.Analyse(TextCleaner.Clean(text))));
    }

    [TestCase("")]
    [TestCase(" ")]
    [TestCase("\0\0\0")]
    [TestCase("\uD83D")]
    [TestCase("\uDE00\uD83D")]
    [TestCase("<<<<>>>>")]
    [TestCase("<blockquote>")]
    [TestCase("<!--")]
    [TestCase("&#xFFFFFFFF; &#99999999; &bogus;")]
    [TestCase("{\"type\":\"doc\",\"content\":[1,\"x\",null,{\"type\":5},{\"type\":\"text\",\"text\":7}]}")]
    [TestCase("{\"type\":\"doc\",\"content\":")]
    [TestCase("On\nwrote:")]
    [TestCase("--\n--\n-- ")]
    [TestCase("!!!!!!!!!!!!!!!!!!!!!!!!!!!")]
    [TestCase("n't n't not no never")]
    [TestCase("but but but")]
    [TestCase("very very very very")]
    public void Garbage_neither_throws_nor_leaves_the_bounds(string text)
    {
        Assert.That(InRange(Analyser.Analyse(text)), Is.True);
        Assert.That(InRange(Analyser.Analyse(TextCleaner.Clean(text))), Is.True);
    }

    [Test]
    public void Deeply_nested_json_is_not_a_problem()
    {
        var json = "{\"type\":\"doc\",\"content\":[" + string.Concat(Enumerable.Repeat("{\"type\":\"paragraph\",\"content\":[", 5000)) + "]}";
        Assert.DoesNotThrow(() => TextCleaner.Clean(json));
    }

    [Test]
    public void A_huge_text_scores_within_bounds_and_quickly()
    {
        var huge = string.Concat(Enumerable.Repeat("Still not working AGAIN!! Terrible service :( but thanks, works now 😊 ", 20_000));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = Analyser.Analyse(TextCleaner.Clean(huge));
        Assert.That(InRange(result), Is.True);
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public void A_huge_html_text_cleans_in_linear_time()
    {
        var huge = string.Concat(Enumerable.Repeat("<p>a <b>b</b> &amp; <", 50_000));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        TextCleaner.Clean(huge);
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
    }
}
