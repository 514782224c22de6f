using System.Text;
using System.Text.Encodings.Web;
using MimeKit;
using Monitor.Core.Pulses;
using Monitor.Probes.Pulse;

namespace Monitor.Worker.Pulse;

/// <summary>
/// The e-mail format of a composed pulse: every question with its five one-click answers (faces and words,
/// readable without images), plain text and HTML, List-Unsubscribe (RFC 8058), and a hidden honeypot link
/// for scanners. Wording and links come from the <see cref="ComposedPulse"/>; this only lays them out.
/// </summary>
public static class PulseMail
{
    public static MimeMessage Compose(ComposedPulse pulse, MailboxAddress from)
    {
        var message = new MimeMessage();
        message.From.Add(from);
        message.To.Add(new MailboxAddress(pulse.User.DisplayName, pulse.User.Email));
        message.Subject = pulse.Subject;
        message.MessageId = MessageId(pulse.Pulse, from);
        message.Date = pulse.Pulse.CreatedAt;
        message.Headers.Add("List-Unsubscribe", $"<{pulse.UnsubscribeUrl}>");
        message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        message.Headers.Add("Auto-Submitted", "auto-generated");

        var text = new TextPart("plain") { Text = PlainText(pulse), ContentTransferEncoding = ContentEncoding.QuotedPrintable };
        var html = new TextPart("html") { Text = Html(pulse), ContentTransferEncoding = ContentEncoding.QuotedPrintable };
        message.Body = new MultipartAlternative { text, html };
        ((Multipart)message.Body).Boundary = Boundary(pulse.Pulse);
        return message;
    }

    /// <summary>
    /// The Message-Id of a pulse's e-mail, from the pulse's id: the message is rendered when it is sent, and a message sent again
    /// after a crash is the same e-mail (a receiving system that keeps Message-Ids sees it once).
    /// </summary>
    public static string MessageId(PulseRecord pulse, MailboxAddress from) => $"pulse-{pulse.Id:N}@{from.Domain}";

    /// <summary>The multipart boundary of a pulse's e-mail, from its id; "=-" never occurs in quoted-printable content.</summary>
    public static string Boundary(PulseRecord pulse) => $"=-{pulse.Id:N}";

    /// <summary>The MIME text of <see cref="Compose"/>, as <see cref="Serialise"/> writes it, without building the message.</summary>
    public static string Render(ComposedPulse pulse, MailboxAddress from) => PulseMimeWriter.Write(pulse, from, PlainText(pulse), Html(pulse));

    public static string Serialise(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(FormatOptions.Default, stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static MimeMessage Parse(string message)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(message));
        return MimeMessage.Load(stream);
    }

    private static string PlainText(ComposedPulse p)
    {
        var b = RenderBuilder.Take();
        b.Append(p.Greeting).Append("\n\n");
        foreach (var q in p.Questions)
        {
            b.Append(q.Text).Append('\n').Append(p.Instructions).Append('\n');
            foreach (var a in q.Answers) b.Append("  ").Append(a.Words).Append(": ").Append(a.Url).Append('\n');
            b.Append('\n');
        }
        if (p.ValidUntil.Length > 0) b.Append(p.ValidUntil).Append(' ');
        b.Append(p.WhoSees).Append("\n\n").Append(p.UnsubscribeLine).Append('\n');
        return b.ToString();
    }

    private static string Html(ComposedPulse p)
    {
        var e = HtmlEncoder.Default;
        var b = RenderBuilder.Take();
        b.Append("<!DOCTYPE html><html lang=\"").Append(e.Encode(p.Language.Tag)).Append("\" dir=\"").Append(p.Language.Direction)
         .Append("\"><head><meta charset=\"utf-8\"><title>")
         .Append(e.Encode(p.Questions.Count > 0 ? p.Questions[0].Text : p.Subject))
         .Append("</title></head><body style=\"font-family:sans-serif\">");
        // Hidden from people (and from screen readers and keyboards): only a machine follows it.
        b.Append("<a href=\"").Append(e.Encode(p.HoneypotUrl))
         .Append("\" style=\"display:none\" aria-hidden=\"true\" tabindex=\"-1\"></a>");
        b.Append("<p>").Append(e.Encode(p.Greeting)).Append("</p>");
        foreach (var q in p.Questions)
        {
            b.Append("<h2 style=\"font-size:1.1em\">").Append(e.Encode(q.Text)).Append("</h2><p>").Append(e.Encode(p.Instructions)).Append("</p>")
             .Append("<table role=\"presentation\"><tr>");
            foreach (var a in q.Answers)
            {
                b.Append("<td style=\"padding:4px;text-align:center\"><a href=\"").Append(e.Encode(a.Url))
                 .Append("\" style=\"text-decoration:none;display:inline-block;padding:8px;border:1px solid #ccc;border-radius:6px\">")
                 .Append("<span style=\"font-size:2em\" aria-hidden=\"true\">").Append(a.Answer.Face).Append("</span><br>")
                 .Append(e.Encode(a.Words)).Append("</a></td>");
            }
            b.Append("</tr></table>");
        }
        b.Append("<p>").Append(e.Encode(p.ValidUntil)).Append(' ').Append(e.Encode(p.WhoSees)).Append("</p>")
         .Append("<p style=\"font-size:0.9em\"><a href=\"").Append(e.Encode(p.UnsubscribeUrl))
         .Append("\">").Append(e.Encode(p.UnsubscribeLabel)).Append("</a></p>")
         .Append("</body></html>");
        return b.ToString();
    }
}
