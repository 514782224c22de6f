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
        new("u1", "u1@example.com", "Zoë <b>O'Brien</b>", "Finance", "Paris", null, Rank.Manager, "Europe/Paris", "en-GB", true, false);

    private static MimeMessage Compose(string questionSet, Dictionary<string, string[]>? sets = null, string? locale = null)
    {
        var options = new PulseOptions
        {
            SigningKeys = ["mail-test-signing-key-0123456789abcdef"], PublicBaseUrl = "https://pulse.example.com/", QuestionSet = questionSet,
            QuestionSets = sets ?? [],
        };
        var links = new PulseLinks(new PulseTokenCodec(options.SigningKeys), options);
        var now = DateTimeOffset.UtcNow;
        var composed = new PulseComposer(links, options)
            .Compose(Person with { Locale = locale ?? Person.Locale }, new PulseRecord(Guid.NewGuid(), Person.Id, questionSet, "manual", now, now.AddDays(7)));
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

    [TestCase("fr-FR", "Êtes-vous satisfait de l’informatique ces derniers temps ?", "Très mécontent", "Ne plus recevoir ces sondages", "fr-FR")]
    [TestCase("fr-CA", "Êtes-vous satisfait de l’informatique ces derniers temps ?", "Très satisfait", "Un clic enregistre", "fr-CA")]
    [TestCase("de-DE", "Wie zufrieden sind Sie in letzter Zeit mit der IT?", "Sehr unzufrieden", "Diese Umfragen nicht mehr erhalten", "de-DE")]
    [TestCase("es-ES", "¿Qué tan satisfecho está con TI últimamente?", "Muy satisfecho", "Dejar de recibir estas encuestas", "es-ES")]
    [TestCase("en-GB", "How happy are you with IT lately?", "Very unhappy", "Stop receiving these pulses", "en-GB")]
    [TestCase("ja-JP", "How happy are you with IT lately?", "Very happy", "Stop receiving these pulses", "en")]
    public void The_pulse_mail_speaks_the_persons_language(string locale, string subject, string answer, string words, string lang)
    {
        var m = Compose(PulseQuestions.Default, locale: locale);
        Assert.That(m.Subject, Is.EqualTo(subject));
        Assert.That(m.TextBody, Does.Contain(answer + ": https://pulse.example.com/p/"));
        Assert.That(m.HtmlBody, Does.Contain($"<html lang=\"{lang}\" dir=\"ltr\">"));
        Assert.That(m.HtmlBody + m.TextBody, Does.Contain(System.Net.WebUtility.HtmlEncode(words)).Or.Contain(words));
    }

    [Test]
    public void A_many_question_set_has_a_translated_subject_and_a_date_in_the_persons_format()
    {
        var m = Compose(PulseQuestions.Value, locale: "de-DE");
        Assert.That(m.Subject, Is.EqualTo("Ein paar kurze Fragen der IT"));
        Assert.That(m.TextBody, Does.Contain("Wie viel Nutzen bringt die IT dem Unternehmen?"));
        Assert.That(m.TextBody, Does.Match(@"Sie können bis \w+, \d{1,2}\. \w+ \d{4} antworten\."), "a long German date");
    }
}
