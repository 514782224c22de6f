using System.Buffers;
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
    private static readonly ConcurrentDictionary<(char Kind, string Key), string> Cached = new();

    // The last sender encoded, by reference: the e-mail channel passes the same address for every pulse (no ToString per pulse).
    private static Tuple<MailboxAddress, string>? _from;

    public static string Write(ComposedPulse pulse, MailboxAddress from, string text, string html)
    {
        var b = RenderBuilder.Take();
        b.Append("From: ").Append(EncodedFrom(from)).Append(NewLine);
        b.Append("Date: ").Append(DateUtils.FormatDate(pulse.Pulse.CreatedAt)).Append(NewLine);
        var subject = Once('S', pulse.Subject, static subject => Folded(HeaderId.Subject, subject));
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

    private static string EncodedFrom(MailboxAddress from)
    {
        if (_from is { } last && ReferenceEquals(last.Item1, from)) return last.Item2;
        var encoded = Once('F', from.ToString(), _ => from.ToString(Format, true));
        _from = Tuple.Create(from, encoded);
        return encoded;
    }

    private static void Part(StringBuilder b, string boundary, string subtype, string content)
    {
        b.Append("--").Append(boundary).Append(NewLine)
         .Append("Content-Type: text/").Append(subtype).Append("; charset=utf-8").Append(NewLine)
         .Append("Content-Transfer-Encoding: quoted-printable").Append(NewLine).Append(NewLine);
        var input = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(content.Length));
        var encoder = new QuotedPrintableEncoder();
        var length = Encoding.UTF8.GetBytes(content, input);
        var output = ArrayPool<byte>.Shared.Rent(encoder.EstimateOutputLength(length));
        var chars = ArrayPool<char>.Shared.Rent(output.Length);
        try
        {
            var n = encoder.Flush(input, 0, length, output);
            // The encoder writes bare LF line ends, as MimeKit's own filters do before the newline format is applied.
            var m = Encoding.ASCII.GetChars(output, 0, n, chars, 0);
            if (NewLine == "\n") b.Append(chars, 0, m);
            else b.Append(new string(chars, 0, m).Replace("\n", NewLine, StringComparison.Ordinal));
            // The newline before the next boundary belongs to the boundary (RFC 2046), not to the content.
            b.Append(NewLine);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
            ArrayPool<byte>.Shared.Return(output);
            ArrayPool<byte>.Shared.Return(input);
        }
    }

    // A header value encoded (RFC 2047) and folded by MimeKit, as it writes it: leading space, trailing newline.
    private static string Folded(HeaderId id, string value, string? field = null)
    {
        var header = field is null ? new Header(Encoding.UTF8, id, value) : new Header(Encoding.UTF8, field, value);
        return Encoding.ASCII.GetString(header.RawValue);
    }

    // Few distinct values per process (one sender, a subject per question set and language); a bound keeps odd ones out.
    private static string Once(char kind, string key, Func<string, string> make)
    {
        var k = (kind, key);
        if (Cached.TryGetValue(k, out var v)) return v;
        v = make(key);
        if (Cached.Count < MaxCached) Cached.TryAdd(k, v);
        return v;
    }
}
