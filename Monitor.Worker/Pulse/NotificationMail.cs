using System.Text.Encodings.Web;
using MimeKit;
using MimeKit.Utils;
using Monitor.Core.Pulses;
using Monitor.Core.Users;

namespace Monitor.Worker.Pulse;

/// <summary>
/// E-mail that is not a pulse (a digest to IT staff, a "you said, we did" note to a user), rendered once and queued
/// in the outbox for the e-mail channel: plain text and HTML, from the pulse sender's address.
/// </summary>
public static class NotificationMail
{
    /// <param name="paragraphs">The body, one paragraph each, plain text (encoded for the HTML part here).</param>
    /// <param name="unsubscribeUrl">Where the person stops such messages (List-Unsubscribe), if they can.</param>
    public static OutboxDraft Draft(MailboxAddress from, MailboxAddress to, string subject, IReadOnlyList<string> paragraphs,
        DateTimeOffset now, string? unsubscribeUrl = null)
    {
        var message = new MimeMessage();
        message.From.Add(from);
        message.To.Add(to);
        message.Subject = subject;
        message.MessageId = MimeUtils.GenerateMessageId(from.Domain);
        message.Date = now;
        message.Headers.Add("Auto-Submitted", "auto-generated");
        if (unsubscribeUrl is not null)
        {
            message.Headers.Add("List-Unsubscribe", $"<{unsubscribeUrl}>");
            message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
        var e = HtmlEncoder.Default;
        var html = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body style=\"font-family:sans-serif\">" +
                   string.Concat(paragraphs.Select(p => $"<p>{e.Encode(p)}</p>")) + "</body></html>";
        message.Body = new MultipartAlternative
        {
            new TextPart("plain")
            {
                Text = string.Join("\n\n", paragraphs) + "\n", ContentTransferEncoding = ContentEncoding.QuotedPrintable,
            },
            new TextPart("html") { Text = html, ContentTransferEncoding = ContentEncoding.QuotedPrintable },
        };
        return new OutboxDraft(EmailChannel.ChannelName, to.Address, PulseMail.Serialise(message));
    }

    public static MailboxAddress To(User user) => new(user.DisplayName, user.Email);
}
