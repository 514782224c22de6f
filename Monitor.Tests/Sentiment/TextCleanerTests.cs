using Monitor.Probes.Tickets.Sentiment;
using NUnit.Framework;

namespace Monitor.Tests.Sentiment;

public sealed class TextCleanerTests
{
    [Test]
    public void Html_becomes_plain_text_with_paragraphs_breaks_and_decoded_entities()
    {
        var html = "<html><head><style>p{color:red}</style></head><body><p>VPN&nbsp;still <b>broken</b> &amp; slow</p>"
            + "<p>Tried again<br>no luck &#128545;</p><!-- tracking --><script>alert(1)</script></body></html>";

        Assert.That(TextCleaner.Clean(html), Is.EqualTo("VPN still broken & slow\n\nTried again\nno luck 😡"));
    }

    [Test]
    public void Html_blockquotes_are_removed_even_when_nested()
    {
        var html = "<div>Works now, thanks</div><blockquote>old <blockquote>older: it is broken</blockquote> still quoted</blockquote><div>Jane</div>";

        Assert.That(TextCleaner.Clean(html), Is.EqualTo("Works now, thanks\n\nJane"));
    }

    [Test]
    public void Text_with_a_lone_angle_bracket_is_not_treated_as_html()
    {
        Assert.That(TextCleaner.Clean("latency < 5 ms, fine"), Is.EqualTo("latency < 5 ms, fine"));
    }

    [Test]
    public void Jira_adf_becomes_its_text_without_quotes_and_code()
    {
        const string adf = """
            {"version":1,"type":"doc","content":[
              {"type":"paragraph","content":[
                {"type":"text","text":"Still not working "},
                {"type":"text","text":"AGAIN","marks":[{"type":"strong"}]},
                {"type":"emoji","attrs":{"shortName":":angry:","text":"😠"}}]},
              {"type":"blockquote","content":[{"type":"paragraph","content":[{"type":"text","text":"Should be fixed now, great!"}]}]},
              {"type":"codeBlock","content":[{"type":"text","text":"ERROR fatal failure"}]},
              {"type":"bulletList","content":[{"type":"listItem","content":[{"type":"paragraph","content":[
                {"type":"text","text":"Tried"},{"type":"hardBreak"},{"type":"text","text":"restart","marks":[{"type":"code"}]},{"type":"text","text":"rebooting"}]}]}]}
            ]}
            """;

        Assert.That(TextCleaner.Clean(adf), Is.EqualTo("Still not working AGAIN 😠\nTried\nrebooting"));
    }

    [Test]
    public void Json_that_is_not_adf_is_left_as_text()
    {
        Assert.That(TextCleaner.Clean("{\"type\":\"other\"}"), Is.EqualTo("{\"type\":\"other\"}"));
    }

    [TestCase("Works now, thanks!\n\nOn Tue, 3 Mar 2026 at 10:12, Jane Doe <jane@example.com> wrote:\n> Is it fixed?\n> terrible service")]
    [TestCase("Works now, thanks!\n\nOn Tue, 3 Mar 2026 at 10:12, Jane Doe\n<jane@example.com> wrote:\nIs it fixed?")]
    [TestCase("Works now, thanks!\r\n-----Original Message-----\r\nFrom: IT Support\r\nterrible")]
    [TestCase("Works now, thanks!\n________________________________\nFrom: IT Support <it@example.com>\nSent: Monday\nSubject: broken")]
    [TestCase("Works now, thanks!\nFrom: IT Support <it@example.com>\nSent: Monday, 2 March 2026 09:00\nTo: Jane\nSubject: RE: broken")]
    [TestCase("> Is it fixed?\nWorks now, thanks!\n> awful")]
    public void A_quoted_reply_is_removed(string mail)
    {
        Assert.That(TextCleaner.Clean(mail), Is.EqualTo("Works now, thanks!"));
    }

    [TestCase("Still broken.\n-- \nJane Doe\nFinance, ext. 4711")]
    [TestCase("Still broken.\n\nSent from my iPhone")]
    [TestCase("Still broken.\n\nBest regards,\nJane Doe")]
    [TestCase("Still broken.\n\nKind regards,\nJane Doe\nSenior Accountant\n+44 20 7946 0000")]
    [TestCase("Still broken.\nThanks,\nJane")]
    public void A_signature_is_removed(string mail)
    {
        Assert.That(TextCleaner.Clean(mail), Is.EqualTo("Still broken."));
    }

    [Test]
    public void A_comment_that_is_only_a_thank_you_keeps_it()
    {
        Assert.That(TextCleaner.Clean("Thanks!\nJane"), Is.EqualTo("Thanks!\nJane"));
    }

    [Test]
    public void A_closing_word_inside_the_message_is_not_a_signature()
    {
        var text = "Best regards,\nthe printer on floor 3 is jammed again and nobody has come for two days, this is the third time this month that I have had to ask";
        Assert.That(TextCleaner.Clean(text), Is.EqualTo(text));
    }

    [Test]
    public void Whitespace_is_normalised()
    {
        Assert.That(TextCleaner.Clean("  a \t b  \n\n\n\n c  "), Is.EqualTo("a b\n\nc"));
    }
}
