using System.Text;
using System.Text.Encodings.Web;
using MimeKit;
using MimeKit.Utils;
using Monitor.Core.Users;
using Monitor.Probes.Pulse;

namespace Monitor.Worker.Pulse;

/// <summary>
/// The pulse e-mail: every question with its five one-click answers (faces and words, readable without
/// images), plain text and HTML, List-Unsubscribe (RFC 8058), and a hidden honeypot link for scanners.
/// </summary>
public sealed class PulseMail(PulseLinks links, PulseOptions pulse, MailOptions mail)
{
    public MimeMessage Compose(User user, PulseRecord p)
    {
        var from = mail.FromAddress();
        var questions = PulseQuestions.Resolve(p.QuestionSet, pulse.QuestionSets) ?? [];
        var message = new MimeMessage();
        message.From.Add(from);
        message.To.Add(new MailboxAddress(user.DisplayName, user.Email));
        message.Subject = questions.Length == 1 ? questions[0] : "Three quick questions from IT";
        message.MessageId = MimeUtils.GenerateMessageId(from.Domain);
        message.Date = p.CreatedAt;
        var unsubscribe = links.Unsubscribe(user.Id, p.CreatedAt);
        message.Headers.Add("List-Unsubscribe", $"<{unsubscribe}>");
        message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        message.Headers.Add("Auto-Submitted", "auto-generated");

        var text = new TextPart("plain") { Text = PlainText(user, p, questions, unsubscribe), ContentTransferEncoding = ContentEncoding.QuotedPrintable };
        var html = new TextPart("html") { Text = Html(user, p, questions, unsubscribe), ContentTransferEncoding = ContentEncoding.QuotedPrintable };
        message.Body = new MultipartAlternative { text, html };
        return message;
    }

    public static string Serialise(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(FormatOptions.Default, stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private string PlainText(User user, PulseRecord p, string[] questions, string unsubscribe)
    {
        var b = new StringBuilder();
        b.Append("Hello ").Append(user.DisplayName).Append(",\n\n");
        for (var q = 0; q < questions.Length; q++)
        {
            b.Append(questions[q]).Append("\nOne click records your answer:\n");
            foreach (var a in PulseAnswers.All) b.Append("  ").Append(a.Words).Append(": ").Append(links.Answer(p, q, a.Value)).Append('\n');
            b.Append('\n');
        }
        b.Append(WhoSees).Append("\n\n")
         .Append("To stop receiving these pulses: ").Append(unsubscribe).Append('\n');
        return b.ToString();
    }

    private string Html(User user, PulseRecord p, string[] questions, string unsubscribe)
    {
        var e = HtmlEncoder.Default;
        var b = new StringBuilder();
        b.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
         .Append(e.Encode(questions[0])).Append("</title></head><body style=\"font-family:sans-serif\">");
        // Hidden from people (and from screen readers and keyboards): only a machine follows it.
        b.Append("<a href=\"").Append(e.Encode(links.Honeypot(p))).Append("\" style=\"display:none\" aria-hidden=\"true\" tabindex=\"-1\"></a>");
        b.Append("<p>Hello ").Append(e.Encode(user.DisplayName)).Append(",</p>");
        for (var q = 0; q < questions.Length; q++)
        {
            b.Append("<h2 style=\"font-size:1.1em\">").Append(e.Encode(questions[q])).Append("</h2><p>One click records your answer:</p>")
             .Append("<table role=\"presentation\"><tr>");
            foreach (var a in PulseAnswers.All)
            {
                b.Append("<td style=\"padding:4px;text-align:center\"><a href=\"").Append(e.Encode(links.Answer(p, q, a.Value)))
                 .Append("\" style=\"text-decoration:none;display:inline-block;padding:8px;border:1px solid #ccc;border-radius:6px\">")
                 .Append("<span style=\"font-size:2em\" aria-hidden=\"true\">").Append(a.Face).Append("</span><br>")
                 .Append(e.Encode(a.Words)).Append("</a></td>");
            }
            b.Append("</tr></table>");
        }
        b.Append("<p>").Append(e.Encode(WhoSees)).Append("</p>")
         .Append("<p style=\"font-size:0.9em\"><a href=\"").Append(e.Encode(unsubscribe)).Append("\">Stop receiving these pulses</a></p>")
         .Append("</body></html>");
        return b.ToString();
    }

    private const string WhoSees =
        "Your answer is seen by IT, so that someone can follow up with you in person if things are not going well. " +
        "It is never shared outside IT. You get at most one pulse every few weeks.";
}

/// <summary>The signed links of a pulse.</summary>
public sealed class PulseLinks(PulseTokenCodec codec, PulseOptions options)
{
    private readonly string _base = options.PublicBaseUrl.TrimEnd('/');

    public PulseTokenCodec Codec => codec;

    public string Answer(PulseRecord p, int question, int answer) =>
        $"{_base}/p/{codec.Sign(new PulseToken(TokenPurpose.Answer, p.Id, p.UserId, question, answer, p.ExpiresAt))}";

    public string Honeypot(PulseRecord p) =>
        $"{_base}/p/h/{codec.Sign(new PulseToken(TokenPurpose.Honeypot, p.Id, p.UserId, 0, 0, p.ExpiresAt))}";

    /// <summary>An unsubscribe link works for a year, whatever the pulse's validity.</summary>
    public string Unsubscribe(string userId, DateTimeOffset now) =>
        $"{_base}/u/{codec.Sign(new PulseToken(TokenPurpose.Unsubscribe, Guid.Empty, userId, 0, 0, now.AddDays(365)))}";

    public string RespondToken(PulseRecord p) =>
        codec.Sign(new PulseToken(TokenPurpose.Respond, p.Id, p.UserId, 0, 0, p.ExpiresAt));
}
