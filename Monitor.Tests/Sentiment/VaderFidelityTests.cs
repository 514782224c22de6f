using NUnit.Framework;
using static Monitor.Tests.Sentiment.EnglishLexicon;

namespace Monitor.Tests.Sentiment;

/// <summary>
/// Rules where the lexicon analyser had departed from VADER (Hutto &amp; Gilbert, 2014; the vaderSentiment code), found
/// by setting it beside the npm port of VADER on the Senti4SD train partition (bench/vader-reference), and the
/// context-sensitive IT-support entries that replaced global ones (issue 11, third part).
/// </summary>
public sealed class VaderFidelityTests
{
    [Test]
    public void Negation_reaches_three_tokens_and_a_booster_is_one_of_them()
    {
        // VADER looks three tokens back from the sentiment word; boosters count. Before the fix boosters were
        // skipped, so "not" reached "bad" through "certify the incredibly".
        Assert.That(Score("It does not certify the incredibly bad implementation"), Is.Negative);
        Assert.That(Score("It is not the very best"), Is.Negative);
        Assert.That(Score("It is not very good"), Is.Negative);
    }

    [Test]
    public void Least_negates_the_next_word_except_in_at_least_and_very_least()
    {
        Assert.That(Score("the least painful way to do it"), Is.Positive);
        Assert.That(Score("at least painful"), Is.Negative);
        Assert.That(Score("the very least painful"), Is.Negative);
    }

    [TestCase("The plot is rarely good")]
    [TestCase("I seldom enjoy his films")]
    [TestCase("nope, not good")]
    public void Vaders_other_negators_negate(string text)
    {
        Assert.That(Score(text), Is.Negative, text);
    }

    [TestCase("super", true)]
    [TestCase("pretty", true)]
    [TestCase("truly", true)]
    [TestCase("terribly", false)]
    public void Words_vader_rates_are_not_mere_boosters(string word, bool positive)
    {
        // VADER rates these words in its lexicon and does not list them as boosters, so they count on their own.
        var score = Score($"It was {word}");
        Assert.That(positive ? score > 0 : score < 0, Is.True, $"{word} scored {score}");
    }

    [TestCase("decidedly")]
    [TestCase("substantially")]
    [TestCase("unusually")]
    public void Vaders_other_boosters_strengthen(string booster)
    {
        Assert.That(Score($"The film is {booster} good"), Is.GreaterThan(Score("The film is good")));
        Assert.That(Score($"The film is {booster}"), Is.Zero);
    }

    [TestCase("yeah right", false)]
    [TestCase("this laptop is the bomb", true)]
    [TestCase("it is the kiss of death", false)]
    [TestCase("it does not cut the mustard", false)]
    public void Vaders_special_idioms_replace_their_words(string text, bool positive)
    {
        var score = Score(text);
        Assert.That(positive ? score > 0 : score < 0, Is.True, $"{text} scored {score}");
    }

    [TestCase("Any help with the VPN client?")]
    [TestCase("Please help me with the VPN client")]
    [TestCase("I need help with the printer")]
    [TestCase("Can you help with the driver")]
    [TestCase("I called the help desk")]
    public void Help_asked_for_is_neutral(string text)
    {
        Assert.That(Score(text), Is.Zero, text);
    }

    [TestCase("That will help")]
    [TestCase("This should help you")]
    public void Help_given_keeps_its_feeling(string text)
    {
        // Before, "help" was 0 everywhere; reviews and answers use it with feeling.
        Assert.That(Score(text), Is.Positive, text);
    }

    [Test]
    public void Again_is_a_complaint_only_where_something_fails_again()
    {
        Assert.That(Score("I would watch it again"), Is.Zero);
        Assert.That(Score("The VPN failed again"), Is.Negative);
        Assert.That(Score("still not working AGAIN!!"), Is.LessThan(Score("still not working")));
        Assert.That(Score("It happens again and again"), Is.Negative);
    }
}
