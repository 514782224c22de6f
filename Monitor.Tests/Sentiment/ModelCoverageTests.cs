using Monitor.Probes.Tickets.Sentiment;
using NUnit.Framework;

namespace Monitor.Tests.Sentiment;

/// <summary>The model's coverage of a text, and the graded score leaning on the lexicon where coverage is low.</summary>
public sealed class ModelCoverageTests
{
    private static LexiconSentimentAnalyser Lexicon => EnglishLexicon.Analyser;

    private static ulong WordHash(string word)
    {
        var hashes = new ulong[SentimentFeatures.Capacity(word.Length)];
        SentimentFeatures.Extract(word, hashes, out var words);
        Assert.That(words, Is.EqualTo(1));
        return hashes[0];
    }

    // A model that knows one word, "printer", and says nothing with it; its band is out of reach, so every verdict
    // is neutral and the graded score is the blend alone.
    private static LinearSentimentModel Model(double coverageReference) => new(
        new Dictionary<ulong, float[]> { [WordHash("printer")] = [0, 0, 0] },
        [0, 0, 0], new double[3 * LinearSentimentModel.DenseCount], band: 1.1, mix: 0.8, coverageReference: coverageReference);

    [TestCase("printer", 1.0)]
    [TestCase("printer printer", 2.0 / 3)]
    [TestCase("a wonderful movie", 0.0)]
    [TestCase("!!!", 0.0)]
    public void Coverage_is_the_share_of_word_features_the_model_knows(string text, double expected)
    {
        Span<double> p = stackalloc double[3];
        Model(1).Probabilities(text, default, p, out var coverage);
        Assert.That(coverage, Is.EqualTo(expected).Within(1e-9));
    }

    [Test]
    public void A_text_the_model_does_not_know_is_scored_by_the_lexicon_when_the_mix_follows_coverage()
    {
        const string text = "a wonderful, moving film";
        var lexicon = Lexicon.Analyse(text).Score;
        Assert.That(lexicon, Is.GreaterThan(0.3));
        var byCoverage = new HybridSentimentAnalyser(Lexicon, Model(1)).Analyse(text);
        var constant = new HybridSentimentAnalyser(Lexicon, Model(0)).Analyse(text);
        Assert.That(byCoverage.Score, Is.EqualTo(lexicon).Within(1e-9));
        Assert.That(constant.Score, Is.EqualTo(0.2 * lexicon).Within(1e-9));
    }

    [Test]
    public void The_mix_follows_coverage_relative_to_the_reference_and_never_exceeds_one()
    {
        Assert.That(LinearSentimentModel.MixFor(0.8, 0, 0.1), Is.EqualTo(0.8));
        Assert.That(LinearSentimentModel.MixFor(0.8, 1, 0.5), Is.EqualTo(0.4).Within(1e-12));
        Assert.That(LinearSentimentModel.MixFor(0.8, 0.5, 0.25), Is.EqualTo(0.4).Within(1e-12));
        Assert.That(LinearSentimentModel.MixFor(0.8, 0.5, 1), Is.EqualTo(1));
    }

    [Test]
    public void The_model_file_gives_the_coverage_reference()
    {
        const string head = "band\t0.5\t0\t0\nmix\t0.7\t0\t0\nbias\t0\t0\t0\n";
        Assert.That(LinearSentimentModel.Load(new StringReader(head + "coverage\t0.645\t0\t0\n")).CoverageReference,
            Is.EqualTo(0.645).Within(1e-6));
        Assert.That(LinearSentimentModel.Load(new StringReader(head)).CoverageReference, Is.Zero);
    }
}
