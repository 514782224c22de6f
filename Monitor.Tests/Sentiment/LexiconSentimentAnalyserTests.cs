using NUnit.Framework;
using Monitor.Probes.Tickets.Sentiment;

namespace Monitor.Tests.Sentiment;

public sealed class LexiconSentimentAnalyserTests
{
    // The lexicon's own rules; the default analyser (lexicon + model) is tested in HybridSentimentAnalyserTests.
    private static readonly ISentimentAnalyser Analyser = new LexiconSentimentAnalyser(LexiconResources.Load("en"));

    private static double Score(string text) => Analyser.Analyse(text).Score;

    [TestCase("The laptop is good", 0.3, 1)]
    [TestCase("The laptop is bad", -1, -0.3)]
    [TestCase("still not working AGAIN!!", -1, -0.7)]
    [TestCase("thanks, works now", 0.6, 1)]
    [TestCase("Resolved, thank you so much :)", 0.6, 1)]
    [TestCase("Waiting for days and no response. Unacceptable.", -1, -0.7)]
    [TestCase("This is the third time I report this, it's broken yet again", -1, -0.5)]
    [TestCase("Please escalate, this is still broken", -1, -0.5)]
    [TestCase("Printer works fine 👍", 0.5, 1)]
    [TestCase("VPN is down 😡", -1, -0.4)]
    public void A_ticket_comment_scores_in_its_expected_range(string text, double min, double max)
    {
        var score = Score(text);
        Assert.That(score, Is.InRange(min, max), text);
    }

    [TestCase("Please reset my password for the VPN client")]
    [TestCase("I need help installing the printer driver on my laptop")]
    [TestCase("Ticket 4711: request access to the finance share")]
    public void Neutral_text_scores_about_zero_with_low_confidence(string text)
    {
        var result = Analyser.Analyse(text);
        Assert.That(result.Score, Is.InRange(-0.1, 0.1));
        Assert.That(result.Confidence, Is.LessThan(0.2));
    }

    [TestCase("The new laptop is good", "The new laptop is not good")]
    [TestCase("The new laptop is good", "The new laptop isn't good")]
    [TestCase("The new laptop is good", "The new laptop is never good")]
    [TestCase("The new laptop is good", "The new laptop is no longer good")]
    [TestCase("The new laptop is good", "The new laptop isn’t really good")]
    public void A_negation_flips_the_sign(string plain, string negated)
    {
        Assert.That(Score(plain), Is.Positive);
        Assert.That(Score(negated), Is.Negative);
    }

    [Test]
    public void A_negation_reaches_only_a_few_words_and_stops_at_a_comma()
    {
        Assert.That(Score("No, the support was great"), Is.Positive);
        Assert.That(Score("Not that I mind, but honestly the service was great"), Is.Positive);
    }

    [TestCase("very")]
    [TestCase("extremely")]
    [TestCase("really")]
    public void An_intensifier_strengthens(string booster)
    {
        Assert.That(Score($"The service was {booster} slow"), Is.LessThan(Score("The service was slow")));
        Assert.That(Score($"The service was {booster} helpful"), Is.GreaterThan(Score("The service was helpful")));
    }

    [TestCase("slightly")]
    [TestCase("kind of")]
    [TestCase("somewhat")]
    public void A_diminisher_weakens(string diminisher)
    {
        Assert.That(Score($"The service was {diminisher} slow"), Is.GreaterThan(Score("The service was slow")).And.Negative);
    }

    [Test]
    public void The_clause_after_but_weighs_more()
    {
        Assert.That(Score("The technician was friendly but the problem is still not fixed"), Is.Negative);
        Assert.That(Score("It took a while but now everything works great"), Is.Positive);
        Assert.That(Score("It was slow but it works now"), Is.Positive);
    }

    [Test]
    public void Exclamation_marks_emphasise()
    {
        Assert.That(Score("Great job!!!"), Is.GreaterThan(Score("Great job")));
        Assert.That(Score("This is terrible!!"), Is.LessThan(Score("This is terrible")));
    }

    [Test]
    public void Several_question_marks_emphasise_but_do_not_carry_sentiment_alone()
    {
        Assert.That(Score("Why is it still broken???"), Is.LessThan(Score("Why is it still broken")));
        Assert.That(Score("Any update???"), Is.Zero);
    }

    [Test]
    public void An_all_caps_word_among_normal_text_emphasises()
    {
        Assert.That(Score("The fix is GREAT"), Is.GreaterThan(Score("The fix is great")));
        Assert.That(Score("Outlook is BROKEN again"), Is.LessThan(Score("Outlook is broken again")));
    }

    [Test]
    public void A_text_all_in_capitals_is_not_emphasised_word_by_word()
    {
        Assert.That(Score("THE FIX IS GREAT"), Is.EqualTo(Score("the fix is great")).Within(1e-9));
    }

    [TestCase(":)", true)]
    [TestCase(":-(", false)]
    [TestCase("<3", true)]
    [TestCase("😊", true)]
    [TestCase("😡", false)]
    [TestCase("👍🏽", true)]
    [TestCase("❤️", true)]
    public void Emoticons_and_emoji_carry_sentiment(string symbol, bool positive)
    {
        var score = Score($"printer ticket {symbol}");
        Assert.That(positive ? score > 0 : score < 0, Is.True, $"{symbol} scored {score}");
    }

    [Test]
    public void It_support_phrases_outweigh_their_single_words()
    {
        Assert.That(Score("thanks, works now"), Is.GreaterThan(0.5));
        Assert.That(Score("still not working AGAIN!!"), Is.LessThan(Score("still not working")));
        Assert.That(Score("still not working"), Is.LessThan(-0.5));
        Assert.That(Score("Thanks again for the quick fix"), Is.Positive);
        Assert.That(Score("It crashed again for the third time"), Is.LessThan(Score("It crashed")));
        Assert.That(Score("not resolved"), Is.Negative);
    }

    [Test]
    public void Confidence_grows_with_evidence()
    {
        var one = Analyser.Analyse("good").Confidence;
        var many = Analyser.Analyse("great, excellent, fast and friendly service, thank you so much").Confidence;
        Assert.That(one, Is.GreaterThan(0));
        Assert.That(many, Is.GreaterThan(one));
        Assert.That(many, Is.LessThanOrEqualTo(1));
    }

    [Test]
    public void Empty_text_is_neutral_with_no_confidence()
    {
        Assert.That(Analyser.Analyse(string.Empty), Is.EqualTo(new SentimentResult(0, 0)));
    }
}
