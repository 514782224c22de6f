using NUnit.Framework;
using static Monitor.Tests.Sentiment.EnglishLexicon;

namespace Monitor.Tests.Sentiment;

/// <summary>Regression tests for the defects issue 11 names in the lexicon analyser.</summary>
public sealed class ItTextRegressionTests
{
    [TestCase("I fixed the typo in the config")]
    [TestCase("Committed the change to the main branch")]
    [TestCase("Create a new branch and commit there")]
    [TestCase("The firewall does not allow port 8080")]
    [TestCase("The build shows an error in line 12")]
    [TestCase("The service crashed at 10:02")]
    [TestCase("Kill the process and restart the service")]
    [TestCase("I killed the process with kill -9")]
    public void Words_of_IT_work_carry_no_feeling(string text)
    {
        Assert.That(Score(text), Is.EqualTo(0).Within(0.05), text);
    }

    [TestCase("the trucker killed 3 people")]
    [TestCase("this bug is killing me")]
    public void Kill_keeps_its_feeling_outside_process_handling(string text)
    {
        Assert.That(Score(text), Is.LessThan(-0.3), text);
    }

    [Test]
    public void An_upper_case_D_colon_is_dismay_and_not_folded_into_a_grin()
    {
        Assert.That(Score("the update deleted my files D:"), Is.LessThan(-0.3));
        Assert.That(Score("D:"), Is.LessThan(-0.3));
        Assert.That(Score("got it :D"), Is.GreaterThan(0.3));
    }

    [Test]
    public void The_clause_after_but_weighs_more_across_a_sentence_break()
    {
        // Before the fix the "but" rule ended at the full stop, so the praise before it counted in full.
        Assert.That(Score("The support was excellent, but the laptop is slow."), Is.Negative);
        Assert.That(Score("The support was excellent. But the laptop is slow."), Is.Negative);
        Assert.That(Score("The laptop is slow. But the support was excellent."), Is.Positive);
    }
}
