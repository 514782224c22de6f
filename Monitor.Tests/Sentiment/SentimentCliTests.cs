using Monitor.Probes.Tickets.Sentiment;
using NUnit.Framework;

namespace Monitor.Tests.Sentiment;

public sealed class SentimentCliTests
{
    [Test]
    public void Each_input_line_gets_one_score_line_in_invariant_culture()
    {
        var previous = Thread.CurrentThread.CurrentCulture;
        try
        {
            // A culture with a decimal comma must not leak into the output.
            Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            using var input = new StringReader("thanks, works now\n\nstill not working AGAIN!!\nplease reset my password\n");
            using var output = new StringWriter();

            var exit = SentimentCli.Run(input, output);

            var lines = output.ToString().Split('\n');
            Assert.That(exit, Is.Zero);
            Assert.That(lines, Has.Length.EqualTo(5));
            Assert.That(lines[..4], Has.All.Match(@"^-?[01]\.\d{4}$"));
            Assert.That(double.Parse(lines[0], System.Globalization.CultureInfo.InvariantCulture), Is.Positive);
            Assert.That(lines[1], Is.EqualTo("0.0000"));
            Assert.That(double.Parse(lines[2], System.Globalization.CultureInfo.InvariantCulture), Is.Negative);
            Assert.That(lines[4], Is.Empty);
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = previous;
        }
    }

    [Test]
    public void An_unknown_language_is_an_error_exit()
    {
        using var output = new StringWriter();
        Assert.That(SentimentCli.Run(new StringReader("x"), output, "xx"), Is.EqualTo(2));
    }

    [Test]
    public void Html_entities_are_read_as_the_characters_they_stand_for()
    {
        // "&lt;3" is a heart once decoded; undecoded, the line has no sentiment word at all.
        using var output = new StringWriter();

        SentimentCli.Run(new StringReader("I &lt;3 the new laptop\nI <3 the new laptop\n"), output);

        var lines = output.ToString().Split('\n');
        Assert.That(double.Parse(lines[0], System.Globalization.CultureInfo.InvariantCulture), Is.Positive);
        Assert.That(lines[0], Is.EqualTo(lines[1]));
    }

    // `sentiment < /dev/zero` read one endless line: 8 GB in 11 s, then the process died.
    [Test]
    public void A_line_longer_than_the_bound_stops_the_run_with_an_error_after_the_lines_before_it()
    {
        using var input = new StringReader($"thanks, works now\r\n{new string('\0', SentimentCli.MaxLineChars + 1)}\nnever read\n");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = SentimentCli.Run(input, output, error, "en");

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(output.ToString(), Does.Match(@"^0\.\d{4}\n$"));
        Assert.That(error.ToString(), Is.EqualTo($"sentiment: line 2 is longer than {SentimentCli.MaxLineChars} characters; nothing more was read{Environment.NewLine}"));
    }

    [Test]
    public void A_line_of_exactly_the_bound_and_a_last_line_without_an_end_are_scored()
    {
        using var input = new StringReader($"{new string('a', SentimentCli.MaxLineChars)}\r\rlast");
        using var output = new StringWriter();

        Assert.That(SentimentCli.Run(input, output, TextWriter.Null, "en"), Is.Zero);
        Assert.That(output.ToString().Split('\n'), Has.Length.EqualTo(4));
    }
}
