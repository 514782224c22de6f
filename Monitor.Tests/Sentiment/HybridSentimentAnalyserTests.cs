using Monitor.Probes.Tickets;
using Monitor.Probes.Tickets.Sentiment;
using NUnit.Framework;

namespace Monitor.Tests.Sentiment;

/// <summary>The default English analyser: the lexicon with the model trained on software text.</summary>
public sealed class HybridSentimentAnalyserTests
{
    private static readonly ISentimentAnalyser Analyser = SentimentAnalysers.ForLanguage("en");

    [Test]
    public void English_is_scored_by_the_lexicon_and_the_shipped_model()
    {
        Assert.That(Analyser, Is.InstanceOf<HybridSentimentAnalyser>());
        var model = LexiconResources.LoadModel("en");
        Assert.That(model, Is.Not.Null);
        Assert.That(model!.FeatureCount, Is.GreaterThan(10_000));
        Assert.That(model.Band, Is.InRange(0.34, 0.9));
    }

    [TestCase("any update?")]
    [TestCase("committed the fix, please check")]
    [TestCase("Kill the process and restart the service, then send me the log.")]
    [TestCase("I created a new branch and pushed the commit.")]
    public void A_matter_of_fact_IT_comment_is_a_neutral_verdict_without_confidence(string text)
    {
        var result = Analyser.Analyse(text);
        Assert.That(result.Confidence, Is.Zero, text);
        Assert.That(result.Score, Is.InRange(-0.5, 0.5), text);
    }

    [TestCase("Thanks a lot, works perfectly now!", 1)]
    [TestCase("Great answer, thank you so much :)", 1)]
    [TestCase("This is ridiculous, still broken after three weeks and nobody cares. Terrible support.", -1)]
    [TestCase("I hate this stupid tool, what a waste of time", -1)]
    public void A_comment_with_feeling_is_a_confident_verdict_of_its_sign(string text, int sign)
    {
        var result = Analyser.Analyse(text);
        Assert.That(result.Confidence, Is.GreaterThanOrEqualTo(0.5), text);
        Assert.That(Math.Sign(result.Score), Is.EqualTo(sign), text);
    }

    [Test]
    public void A_neutral_verdict_produces_no_ticket_signal_and_a_confident_one_does()
    {
        var mapper = new TicketSignalMapper(Analyser, new CleaningTicketTextExtractor());
        var at = DateTimeOffset.Parse("2026-11-20T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        TicketComment Comment(string id, string body) => new(id, "ann@example.com", true, true, body, TicketBodyFormat.PlainText, at);
        var ticket = new TicketRecord("SUP-1", "ann@example.com", at, [], null, null,
            [Comment("1", "committed the fix, please check"), Comment("2", "still no response after two weeks, this is unacceptable")]);

        var (signals, comments) = mapper.Map("jira", "u1", ticket, 0.05);

        Assert.That(comments, Is.EqualTo(1));
        Assert.That(signals.Single().Source, Is.EqualTo("jira:SUP-1:comment:2"));
        Assert.That(signals.Single().Score, Is.Negative);
    }

    [Test]
    public void The_verdict_is_neutral_unless_a_polar_class_is_likeliest_and_reaches_the_band()
    {
        Assert.That(HybridSentimentAnalyser.Verdict([0.6, 0.3, 0.1], 0.5), Is.EqualTo(-1));
        Assert.That(HybridSentimentAnalyser.Verdict([0.45, 0.35, 0.2], 0.5), Is.Zero);
        Assert.That(HybridSentimentAnalyser.Verdict([0.1, 0.3, 0.6], 0.5), Is.EqualTo(1));
        Assert.That(HybridSentimentAnalyser.Verdict([0.2, 0.6, 0.2], 0.5), Is.Zero);
    }

    [Test]
    public void A_negative_verdict_needs_the_negative_band_when_the_model_sets_one()
    {
        Assert.That(HybridSentimentAnalyser.Verdict([0.6, 0.3, 0.1], 0.5, 0.7), Is.Zero);
        Assert.That(HybridSentimentAnalyser.Verdict([0.72, 0.2, 0.08], 0.5, 0.7), Is.EqualTo(-1));
        Assert.That(HybridSentimentAnalyser.Verdict([0.1, 0.3, 0.6], 0.5, 0.7), Is.EqualTo(1));

        const string file = "band\t0.5\t0\t0\nband-negative\t0.7\t0\t0\nbias\t0\t0\t0\n";
        var withNegative = LinearSentimentModel.Load(new StringReader(file));
        Assert.That(withNegative.Band, Is.EqualTo(0.5).Within(1e-6));
        Assert.That(withNegative.NegativeBand, Is.EqualTo(0.7).Within(1e-6));
        var without = LinearSentimentModel.Load(new StringReader("band\t0.5\t0\t0\nbias\t0\t0\t0\n"));
        Assert.That(without.NegativeBand, Is.EqualTo(0.5).Within(1e-6));
    }
}
