using Microsoft.Extensions.Options;
using MimeKit;
using Monitor.Core.Pulses;
using Monitor.Core.Users;
using Monitor.Probes.Pulse;
using Monitor.Worker.Pulse;

namespace Monitor.Tests.Pulse;

/// <summary>
/// The pulse's MIME text written directly (the dispatch's fast path) reads back as the same message MimeKit writes from
/// <see cref="PulseMail.Compose"/>: every header, both parts, their encodings, in every language and with awkward names.
/// </summary>
public sealed class PulseMimeWriterTests
{
    private static readonly MailboxAddress From = MailboxAddress.Parse("Équipe IT <pulse@it.example.com>");

    [TestCase("Zoë <b>O'Brien</b>", "en-GB", null)]
    [TestCase("Pat Four", "fr-FR", null)]
    [TestCase("山田 太郎", "ja-JP", null)]
    [TestCase("نور", "ar-EG", null)]
    [TestCase("A \"quoted\", name; with (comments) and a very long tail that goes on past the fold of seventy-eight", "de-DE",
        "Is the new laptop — which arrived last week with the docking station and the second screen — working well for you?")]
    public void The_written_message_reads_back_as_the_one_mimekit_writes(string name, string locale, string? question)
    {
        var options = new PulseOptions
        {
            SigningKeys = ["writer-test-signing-key-0123456789abcdef"], PublicBaseUrl = "https://pulse.example.com/",
            QuestionSet = question is null ? PulseQuestions.Value : "custom",
            QuestionSets = question is null ? [] : new() { ["custom"] = [question] },
        };
        var links = new PulseLinks(new PulseTokenCodec(options.SigningKeys), options);
        var user = new User("u-1", "u1@example.com", name, "Ops", "Lyon", null, Rank.Manager, "Europe/Paris", locale, true, false);
        var now = DateTimeOffset.UtcNow;
        var composed = new PulseComposer(links, options).Compose(user,
            new PulseRecord(Guid.NewGuid(), user.Id, options.QuestionSet, "scheduled", now, now.AddDays(7)));

        var text = PulseMail.Render(composed, From);
        using var expected = PulseMail.Parse(PulseMail.Serialise(PulseMail.Compose(composed, From)));
        using var actual = PulseMail.Parse(text);

        Assert.That(actual.From.ToString(), Is.EqualTo(expected.From.ToString()));
        Assert.That(actual.To.Mailboxes.Single().Name, Is.EqualTo(name));
        Assert.That(actual.To.ToString(), Is.EqualTo(expected.To.ToString()));
        Assert.That(actual.Subject, Is.EqualTo(expected.Subject));
        Assert.That(actual.Date, Is.EqualTo(expected.Date));
        Assert.That(actual.MessageId, Is.EqualTo($"pulse-{composed.Pulse.Id:N}@it.example.com").And.EqualTo(expected.MessageId),
            "from the pulse id: a resend is the same e-mail");
        Assert.That(((Multipart)actual.Body!).Boundary, Is.EqualTo(((Multipart)expected.Body!).Boundary));
        Assert.That(PulseMail.Render(composed, From), Is.EqualTo(text), "rendered again, byte for byte the same");
        foreach (var h in new[] { "List-Unsubscribe", "List-Unsubscribe-Post", "Auto-Submitted", "MIME-Version" })
            Assert.That(actual.Headers[h], Is.EqualTo(expected.Headers[h]), h);
        Assert.That(actual.TextBody, Is.EqualTo(expected.TextBody));
        Assert.That(actual.HtmlBody, Is.EqualTo(expected.HtmlBody));
        Assert.That(actual.Body, Is.InstanceOf<MultipartAlternative>());
        var parts = ((Multipart)actual.Body!).Cast<TextPart>().ToList();
        Assert.That(parts.Select(p => p.ContentType.MimeType), Is.EqualTo(new[] { "text/plain", "text/html" }));
        Assert.That(parts.Select(p => p.ContentTransferEncoding), Has.All.EqualTo(ContentEncoding.QuotedPrintable));
        Assert.That(parts.Select(p => p.ContentType.Charset), Has.All.EqualTo("utf-8"));
        var lines = text.Split('\n');
        Assert.That(lines, Has.All.Length.LessThanOrEqualTo(998), "RFC 5322 line limit");
        Assert.That(text.All(c => c < 128), "7-bit: headers encoded, bodies quoted-printable");
    }
}
