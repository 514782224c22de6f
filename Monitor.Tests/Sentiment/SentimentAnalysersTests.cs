using Monitor.Probes.Tickets.Sentiment;
using NUnit.Framework;

namespace Monitor.Tests.Sentiment;

public sealed class SentimentAnalysersTests
{
    [Test]
    public void English_is_embedded_and_has_the_vader_lexicon_and_the_domain_phrases()
    {
        Assert.That(SentimentAnalysers.Languages, Does.Contain("en"));
        var lexicon = LexiconResources.Load("en");
        Assert.That(lexicon.EntryCount, Is.GreaterThan(7_500));
    }

    [TestCase("en")]
    [TestCase("EN")]
    [TestCase("en-GB")]
    [TestCase("en_US")]
    public void A_language_tag_finds_its_analyser(string tag)
    {
        Assert.That(SentimentAnalysers.ForLanguage(tag), Is.SameAs(SentimentAnalysers.ForLanguage("en")));
    }

    [Test]
    public void An_unknown_language_says_which_ones_exist()
    {
        Assert.That(() => SentimentAnalysers.ForLanguage("tlh"), Throws.ArgumentException.With.Message.Contains("en"));
        Assert.That(SentimentAnalysers.TryForLanguage("tlh", out _), Is.False);
        Assert.That(SentimentAnalysers.TryForLanguage(null, out _), Is.False);
    }

    [Test]
    public void A_registered_analyser_serves_its_language()
    {
        SentimentAnalysers.Register("x-test", () => new FixedAnalyser());
        Assert.That(SentimentAnalysers.ForLanguage("x-test").Analyse("anything").Score, Is.EqualTo(0.5));
        Assert.That(SentimentAnalysers.Languages, Does.Contain("x-test"));
    }

    [Test]
    public void A_lexicon_is_plain_data_that_a_new_language_can_supply()
    {
        var lexicon = SentimentLexicon.Parse("xx",
            new StringReader("bueno\t2\nmalo\t-2\n"), new StringReader("no funciona\t-2.5\n"),
            new StringReader("negator\tno\nbooster\tmuy\t0.293\ncontrast\tpero\n"), new StringReader(string.Empty));
        var analyser = new LexiconSentimentAnalyser(lexicon);

        Assert.That(analyser.Analyse("muy bueno").Score, Is.GreaterThan(analyser.Analyse("bueno").Score));
        Assert.That(analyser.Analyse("no bueno").Score, Is.Negative);
        Assert.That(analyser.Analyse("la impresora no funciona").Score, Is.LessThan(analyser.Analyse("malo").Score));
        Assert.That(analyser.Analyse("malo pero bueno").Score, Is.Positive);
    }

    private sealed class FixedAnalyser : ISentimentAnalyser
    {
        public SentimentResult Analyse(string text) => new(0.5, 1);
    }
}
