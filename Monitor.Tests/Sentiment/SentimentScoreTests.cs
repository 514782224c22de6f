using Monitor.Probes.Tickets.Sentiment;
using NUnit.Framework;

namespace Monitor.Tests.Sentiment;

/// <summary>The graded score of the default analyser: model and lexicon blended by the mix the trainer chose.</summary>
public sealed class SentimentScoreTests
{
    [Test]
    public void The_shipped_model_carries_the_choices_made_on_train()
    {
        // bench train (docs/sentiment.md, "Review sentences in the training data"), out of fold on the training data:
        // the band by macro-F1 on Senti4SD train, the negative band by the neutral texts called negative, the mix by
        // the mean Pearson r of the Senti4SD and the review-sentence parts.
        var model = LexiconResources.LoadModel("en")!;
        Assert.That(model.Band, Is.EqualTo(0.58).Within(1e-6));
        Assert.That(model.NegativeBand, Is.EqualTo(0.70).Within(1e-6));
        Assert.That(model.Mix, Is.EqualTo(0.90).Within(1e-6));
    }

    [Test]
    public void A_model_file_without_a_mix_line_blends_alike_and_one_with_it_is_read()
    {
        const string head = "band\t0.5\t0\t0\nbias\t0\t0\t0\n";
        using var without = new StringReader(head);
        using var with = new StringReader(head + "mix\t0.25\t0\t0\n");
        Assert.That(LinearSentimentModel.Load(without).Mix, Is.EqualTo(LinearSentimentModel.DefaultMix));
        Assert.That(LinearSentimentModel.Load(with).Mix, Is.EqualTo(0.25).Within(1e-6));
    }

    [Test]
    public void The_score_blends_the_expected_label_with_the_lexicon()
    {
        double[] p = [0.1, 0.3, 0.6];
        Assert.That(HybridSentimentAnalyser.Score(p, 0.2, 1, 0.75), Is.EqualTo(0.75 * 0.5 + 0.25 * 0.2).Within(1e-12));
        Assert.That(HybridSentimentAnalyser.Score(p, 0.2, 0, 0), Is.EqualTo(0.2).Within(1e-12));
    }

    [Test]
    public void A_lexicon_that_contradicts_a_polar_verdict_cannot_flip_its_sign()
    {
        double[] positive = [0.2, 0.2, 0.6];
        double[] negative = [0.7, 0.2, 0.1];
        Assert.That(HybridSentimentAnalyser.Score(positive, -0.9, 1, 0.3), Is.EqualTo(0.4).Within(1e-12));
        Assert.That(HybridSentimentAnalyser.Score(negative, 0.9, -1, 0.3), Is.EqualTo(-0.6).Within(1e-12));
    }

    [TestCase("Thanks a lot, works perfectly now!")]
    [TestCase("This is ridiculous, still broken after three weeks and nobody cares. Terrible support.")]
    [TestCase("any update?")]
    public void The_analysers_score_is_the_blend_of_its_parts(string text)
    {
        var lexicon = new LexiconSentimentAnalyser(LexiconResources.Load("en"));
        var model = LexiconResources.LoadModel("en")!;
        var analyser = new HybridSentimentAnalyser(lexicon, model);
        var lexical = lexicon.Analyse(text);
        var p = new double[3];
        model.Probabilities(text, lexical, p);

        var result = analyser.Analyse(text);

        var verdict = HybridSentimentAnalyser.Verdict(p, model.Band, model.NegativeBand);
        Assert.That(result.Score, Is.EqualTo(HybridSentimentAnalyser.Score(p, lexical.Score, verdict, model.Mix)).Within(1e-12));
        Assert.That(result.Confidence, Is.EqualTo(verdict == 0 ? 0 : p[verdict + 1]).Within(1e-12));
    }
}
