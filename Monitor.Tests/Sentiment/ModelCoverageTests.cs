using Monitor.Probes.Tickets.Sentiment;
using NUnit.Framework;

namespace Monitor.Tests.Sentiment;

/// <summary>The model's coverage of a text, and the graded score leaning on the lexicon where coverage is low.</summary>
public sealed class ModelCoverageTests
{
    private static readonly LexiconSentimentAnalyser Lexicon = new(LexiconResources.Load("en"));

    private static ulong WordHash(string word)
    {
        var hashes = new ulong[SentimentFeatures.Capacity(word.Length)];
        SentimentFeatures.Extract(word, hashes, out var words);
        Assert.That(words, Is.EqualTo(1));
        return hashes[0];
    }

    // A model that knows one word, "printer", and says nothing with it; its band is out of reach, so every verdict
    // is neutral and the graded score is the blend alone.
    private static LinearSentimentModel Model(bool byCoverage) => new(
        new Dictionary<ulong, float[]> { [WordHash("printer")] = [0, 0, 0] },
        [0, 0, 0], new double[3 * LinearSentimentModel.DenseCount], band: 1.1, mix: 0.8, mixByCoverage: byCoverage);

    [TestCase("printer", 1.0)]
    [TestCase("printer printer", 2.0 / 3)]
    [TestCase("a wonderful movie", 0.0)]
    [TestCase("!!!", 0.0)]
    public void Coverage_is_the_share_of_word_features_the_model_knows(string text, double expected)
    {
        Span<double> p = stackalloc double[3];
        Model(true).Probabilities(text, default, p, out var coverage);
        Assert.That(coverage, Is.EqualTo(expected).Within(1e-9));
    }

    [Test]
    public void A_text_the_model_does_not_know_is_scored_by_the_lexicon_when_the_mix_follows_coverage()
    {
        const string text = "a wonderful, moving film";
        var lexicon = Lexicon.Analyse(text).Score;
        Assert.That(lexicon, Is.GreaterThan(0.3));
        var byCoverage = new HybridSentimentAnalyser(Lexicon, Model(true)).Analyse(text);
        var constant = new HybridSentimentAnalyser(Lexicon, Model(false)).Analyse(text);
        Assert.That(byCoverage.Score, Is.EqualTo(lexicon).Within(1e-9));
        Assert.That(constant.Score, Is.EqualTo(0.2 * lexicon).Within(1e-9));
    }

    [Test]
    public void The_model_file_says_whether_the_mix_follows_coverage()
    {
        const string head = "band\t0.5\t0\t0\nmix\t0.7\t0\t0\nbias\t0\t0\t0\n";
        Assert.That(LinearSentimentModel.Load(new StringReader(head + "coverage\t1\t0\t0\n")).MixByCoverage, Is.True);
        Assert.That(LinearSentimentModel.Load(new StringReader(head + "coverage\t0\t0\t0\n")).MixByCoverage, Is.False);
        Assert.That(LinearSentimentModel.Load(new StringReader(head)).MixByCoverage, Is.False);
    }
}
