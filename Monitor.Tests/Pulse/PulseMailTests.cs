using Microsoft.Extensions.Options;
using MimeKit;
using Monitor.Core.Pulses;
using Monitor.Core.Users;
using Monitor.Probes.Pulse;
using Monitor.Worker.Pulse;

namespace Monitor.Tests.Pulse;

public sealed class PulseMailTests
{
    private static readonly User Person =
        new("u1", "u1@example.com", "Zoë <b>O'Brien</b>", "Finance", "Paris", null, Rank.Manager, "Europe/Paris", "fr-FR", true, false);

    private static MimeMessage Compose(string questionSet, Dictionary<string, string[]>? sets = null)
    {
        var options = new PulseOptions
        {
            SigningKeys = ["mail-test-signing-key-0123456789abcdef"], PublicBaseUrl = "https://pulse.example.com/", QuestionSet = questionSet,
            QuestionSets = sets ?? [],
        };
        var links = new PulseLinks(new PulseTokenCodec(options.SigningKeys), options);
        var now = DateTimeOffset.UtcNow;
        var composed = new PulseComposer(links, options)
            .Compose(Person, new PulseRecord(Guid.NewGuid(), Person.Id, questionSet, "manual", now, now.AddDays(7)));
        var channel = new EmailChannel(Options.Create(new MailOptions { From = "IT <pulse@it.example.com>" }));
        return PulseMail.Parse(channel.Render(composed).Message);
    }

    [Test]
    public void The_value_set_asks_three_questions_each_with_five_signed_answers()
    {
        var m = Compose(PulseQuestions.Value);
        Assert.That(m.HtmlBody, Does.Contain("to you?").And.Contain("to your team?").And.Contain("to the business?"));
        var answers = PulseWorld.AnswerLinks(m);
        Assert.That(answers, Has.Count.EqualTo(15));
        Assert.That(answers, Is.Unique);
        Assert.That(answers, Has.All.StartWith("https://pulse.example.com/p/"));
    }

    [Test]
    public void Names_and_configured_questions_are_encoded_in_the_html()
    {
        var m = Compose("custom", new() { ["custom"] = ["Is <script>alert(1)</script> fixed?"] });
        Assert.That(m.HtmlBody, Does.Not.Contain("<script>").And.Not.Contain("<b>O"));
        Assert.That(m.HtmlBody, Does.Contain("Zo").And.Contain("&lt;b&gt;"));
        Assert.That(m.TextBody, Does.Contain("Is <script>alert(1)</script> fixed?"), "plain text stays plain");
    }

    [Test]
    public void The_message_id_is_on_the_senders_domain_and_the_text_part_reads_without_html()
    {
        var m = Compose(PulseQuestions.Default);
        Assert.That(m.MessageId, Does.EndWith("@it.example.com"));
        Assert.That(m.TextBody, Does.Contain("Very unhappy: https://pulse.example.com/p/").And.Contain("Very happy: https://"));
        Assert.That(m.Body, Is.InstanceOf<MultipartAlternative>());
    }
}
