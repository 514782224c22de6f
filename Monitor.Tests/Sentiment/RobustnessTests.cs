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

    /// <summary>
    /// Every stage runs without throwing (the cleaner would swallow it, so the test listens for it) and the result
    /// is normalised text: only single spaces and line breaks, no blank runs, nothing to trim.
    /// </summary>
    [FsCheck.NUnit.Property(MaxTest = 500)]
    public Property Any_string_cleans_without_throwing(string? text)
    {
        var (cleaned, failures) = CleanListening(text);
        return (failures.Count == 0).Label("stage failures: " + string.Join("; ", failures))
            .And(IsNormalised(cleaned).Label($"not normalised: {Escape(cleaned)}"));
    }

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
        var (cleaned, failures) = CleanListening(text);
        Assert.That(failures, Is.Empty);
        Assert.That(IsNormalised(cleaned), Is.True, Escape(cleaned));
        Assert.That(InRange(Analyser.Analyse(text)), Is.True);
        Assert.That(InRange(Analyser.Analyse(cleaned)), Is.True);
    }

    [Test]
    public void Deeply_nested_json_is_not_a_problem()
    {
        // Valid ADF nested to 123 JSON levels, just inside the parser's limit of 128: the walk must reach the text.
        var json = NestedAdf(paragraphs: 60, "deep down it works");

        var (cleaned, failures) = CleanListening(json);

        Assert.That(failures, Is.Empty);
        Assert.That(cleaned, Is.EqualTo("deep down it works"));
    }

    [Test]
    public void Json_nested_beyond_the_parser_limit_is_kept_as_text()
    {
        // Valid ADF deeper than the parser allows is not walked (no stack overflow): it stays as it came.
        var json = NestedAdf(paragraphs: 500, "too deep");

        var (cleaned, failures) = CleanListening(json);

        Assert.That(failures, Is.Empty);
        Assert.That(cleaned, Is.EqualTo(json));
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

    /// <summary>A valid ADF document: <paramref name="paragraphs"/> paragraphs, each inside the last, the text at the bottom.</summary>
    private static string NestedAdf(int paragraphs, string text) =>
        "{\"type\":\"doc\",\"content\":["
        + string.Concat(Enumerable.Repeat("{\"type\":\"paragraph\",\"content\":[", paragraphs))
        + $"{{\"type\":\"text\",\"text\":\"{text}\"}}"
        + string.Concat(Enumerable.Repeat("]}", paragraphs))
        + "]}";

    private static (string Cleaned, List<string> Failures) CleanListening(string? text)
    {
        var failures = new List<string>();
        var cleaned = TextCleaner.Clean(text, (stage, e) => failures.Add($"{stage}: {e.GetType().Name}: {e.Message}"));
        return (cleaned, failures);
    }

    /// <summary>What the last stage guarantees: single spaces and line breaks, at most one blank line, nothing to trim.</summary>
    private static bool IsNormalised(string text) =>
        text.All(c => !char.IsWhiteSpace(c) || c is ' ' or '\n')
        && !text.Contains("  ", StringComparison.Ordinal)
        && !text.Contains(" \n", StringComparison.Ordinal)
        && !text.Contains("\n ", StringComparison.Ordinal)
        && !text.Contains("\n\n\n", StringComparison.Ordinal)
        && text == text.Trim();

    private static string Escape(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
