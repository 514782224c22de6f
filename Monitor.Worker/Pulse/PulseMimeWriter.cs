using System.Collections.Concurrent;
using System.Text;
using MimeKit;
using MimeKit.Encodings;
using MimeKit.Utils;
using Monitor.Probes.Pulse;

namespace Monitor.Worker.Pulse;

/// <summary>
/// Writes a composed pulse as MIME text directly: the same message as <see cref="PulseMail.Compose"/> serialised by MimeKit
/// (same headers, multipart/alternative, quoted-printable UTF-8 parts, MimeKit's encoders for every header and body), without
/// building a <see cref="MimeMessage"/> and streaming it through filters for each person. That object graph and its
/// serialisation were 70 % of a dispatch's CPU (a trace of 10,000 pulses, docs/benchmarks.md); the sender still parses and
/// sends through MimeKit and MailKit. Headers that are the same for every pulse of a run (From, the subject) are encoded once.
/// </summary>
internal static class PulseMimeWriter
{
    private const int MaxCached = 256;
    private static readonly FormatOptions Format = FormatOptions.Default;
    private static readonly string NewLine = Format.NewLineFormat == NewLineFormat.Dos ? "\r\n" : "\n";
    private static readonly ConcurrentDictionary<string, string> Cached = new(StringComparer.Ordinal);

    public static string Write(ComposedPulse pulse, MailboxAddress from, string text, string html)
    {
        var b = new StringBuilder(text.Length + html.Length * 11 / 10 + 1024);
        b.Append("From: ").Append(Once("F", from.ToString(), () => from.ToString(Format, true))).Append(NewLine);
        b.Append("Date: ").Append(DateUtils.FormatDate(pulse.Pulse.CreatedAt)).Append(NewLine);
        var subject = Once("S", pulse.Subject, () => Folded(HeaderId.Subject, pulse.Subject));
        b.Append("Subject:").Append(subject);
        b.Append("Message-Id: <").Append(PulseMail.MessageId(pulse.Pulse, from)).Append('>').Append(NewLine);
        b.Append("To: ").Append(new MailboxAddress(pulse.User.DisplayName, pulse.User.Email).ToString(Format, true)).Append(NewLine);
        var unsubscribe = $"<{pulse.UnsubscribeUrl}>";
        if (Ascii.IsValid(unsubscribe)) b.Append("List-Unsubscribe: ").Append(unsubscribe).Append(NewLine);
        else b.Append("List-Unsubscribe:").Append(Folded(HeaderId.Unknown, unsubscribe, "List-Unsubscribe"));
        b.Append("List-Unsubscribe-Post: List-Unsubscribe=One-Click").Append(NewLine);
        b.Append("Auto-Submitted: auto-generated").Append(NewLine);
        b.Append("MIME-Version: 1.0").Append(NewLine);
        var boundary = PulseMail.Boundary(pulse.Pulse);
        b.Append("Content-Type: multipart/alternative; boundary=\"").Append(boundary).Append('"').Append(NewLine).Append(NewLine);
        Part(b, boundary, "plain", text);
        Part(b, boundary, "html", html);
        b.Append("--").Append(boundary).Append("--").Append(NewLine);
        return b.ToString();
    }

    private static void Part(StringBuilder b, string boundary, string subtype, string content)
    {
        b.Append("--").Append(boundary).Append(NewLine)
         .Append("Content-Type: text/").Append(subtype).Append("; charset=utf-8").Append(NewLine)
         .Append("Content-Transfer-Encoding: quoted-printable").Append(NewLine).Append(NewLine);
        var input = Encoding.UTF8.GetBytes(content);
        var encoder = new QuotedPrintableEncoder();
        var output = new byte[encoder.EstimateOutputLength(input.Length)];
        var n = encoder.Flush(input, 0, input.Length, output);
        // The encoder writes bare LF line ends, as MimeKit's own filters do before the newline format is applied.
        var encoded = Encoding.ASCII.GetString(output, 0, n);
        // The newline before the next boundary belongs to the boundary (RFC 2046), not to the content.
        b.Append(NewLine == "\n" ? encoded : encoded.Replace("\n", NewLine, StringComparison.Ordinal)).Append(NewLine);
    }

    // A header value encoded (RFC 2047) and folded by MimeKit, as it writes it: leading space, trailing newline.
    private static string Folded(HeaderId id, string value, string? field = null)
    {
        var header = field is null ? new Header(Encoding.UTF8, id, value) : new Header(Encoding.UTF8, field, value);
        return Encoding.ASCII.GetString(header.RawValue);
    }

    // Few distinct values per process (one sender, a subject per question set and language); a bound keeps odd ones out.
    private static string Once(string kind, string key, Func<string> make)
    {
        var k = kind + "\0" + key;
        if (Cached.TryGetValue(k, out var v)) return v;
        v = make();
        if (Cached.Count < MaxCached) Cached.TryAdd(k, v);
        return v;
    }
}
