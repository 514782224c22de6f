using System.Buffers;
using System.Text;
using MimeKit;

namespace Monitor.Worker.Pulse;

/// <summary>
/// A message from the outbox handed to MailKit as it is stored: its header section as one raw header and its body as the stored
/// bytes, neither parsed. Parsing the whole stored message back into MimeKit's object graph for every send was a third of the
/// sending side's time, and parsing the headers alone a tenth of the worker's CPU in a dispatch (docs/benchmarks.md). Only for messages that need no preparing
/// for the wire: 7-bit text with lines within SMTP's 998; anything else is parsed in full so that MailKit can re-encode it.
/// </summary>
internal static class StoredMessage
{
    private const int MaxLine = 998;

    /// <summary>The stored message as a <see cref="MimeMessage"/> writing its body as stored; parsed in full when not 7-bit.</summary>
    public static MimeMessage Load(string stored) => TryWrap(stored) ?? PulseMail.Parse(stored);

    /// <summary>
    /// The wrapped message, or null when the stored text is not 7-bit with short lines, has no header/body split, or has a
    /// header the wire must not carry (Bcc).
    /// </summary>
    public static MimeMessage? TryWrap(string stored)
    {
        if (!Ascii.IsValid(stored) || !LinesFit(stored)) return null;
        // The header section (up to its last newline) and where the body starts, in either newline format.
        int blockEnd, headEnd;
        var lf = stored.IndexOf("\n\n", StringComparison.Ordinal);
        var crlf = stored.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (crlf >= 0 && (lf < 0 || crlf < lf)) (blockEnd, headEnd) = (crlf + 2, crlf + 4);
        else if (lf >= 0) (blockEnd, headEnd) = (lf + 1, lf + 2);
        else return null;
        // The headers are not parsed either (that was most of a send's own CPU): the whole section goes out as one header, its
        // first field's name and, as its raw value, everything after that colon, which MimeKit writes back byte for byte. MailKit
        // sends with the outbox row's envelope and reads no header. Bcc is left to the full parse, which hides it on the wire.
        var block = stored.AsSpan(0, blockEnd);
        var colon = block.IndexOf(':');
        if (colon <= 0 || !IsFieldName(block[..colon]) || block[..colon].StartsWith("Content-", StringComparison.OrdinalIgnoreCase) ||
            HasBcc(block))
            return null;
        var header = new Header(block[..colon].ToString(), "");
        header.SetRawValue(Encoding.ASCII.GetBytes(stored, colon + 1, blockEnd - colon - 1));
        return new MimeMessage(Enumerable.Repeat(header, 1)) { Body = new RawBody(stored, headEnd) };
    }

    // A header field name (RFC 5322 2.2): printable US-ASCII but the colon, no space.
    private static bool IsFieldName(ReadOnlySpan<char> name)
    {
        foreach (var c in name)
            if (c is <= ' ' or > '~' or ':') return false;
        return true;
    }

    private static bool HasBcc(ReadOnlySpan<char> block) =>
        block.StartsWith("bcc:", StringComparison.OrdinalIgnoreCase) || block.StartsWith("resent-bcc:", StringComparison.OrdinalIgnoreCase) ||
        block.Contains("\nbcc:", StringComparison.OrdinalIgnoreCase) || block.Contains("\nresent-bcc:", StringComparison.OrdinalIgnoreCase);

    private static bool LinesFit(string text)
    {
        var span = text.AsSpan();
        while (true)
        {
            var end = span.IndexOf('\n');
            if ((end < 0 ? span.Length : end) > MaxLine) return false;
            if (end < 0) return true;
            span = span[(end + 1)..];
        }
    }

    /// <summary>A body whose content is written as stored, in the newline format MailKit asks for (CRLF on the wire).</summary>
    private sealed class RawBody : MimeEntity
    {
        // The stored message and where its body starts: the body is not copied out of it.
        private readonly string _stored;
        private readonly int _start;
        private ReadOnlyMemory<byte>? _dos;
        private ReadOnlyMemory<byte>? _unix;

        // Its headers, Content-Type included, go out with the message's one header: the entity itself has none.
        public RawBody(string stored, int start) : base(new ContentType("text", "plain"))
        {
            _stored = stored;
            _start = start;
            Headers.Clear();
        }

        // Nothing to prepare: the content is 7-bit with lines within the limit (checked before wrapping).
        public override void Prepare(EncodingConstraint constraint, int maxLineLength = 78)
        {
        }

        public override void WriteTo(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default)
        {
            if (!contentOnly)
            {
                Headers.WriteTo(options, stream, cancellationToken);
                stream.Write(NewLine(options));
            }
            stream.Write(Bytes(options.NewLineFormat).Span);
        }

        public override async Task WriteToAsync(FormatOptions options, Stream stream, bool contentOnly,
            CancellationToken cancellationToken = default)
        {
            if (!contentOnly)
            {
                await Headers.WriteToAsync(options, stream, cancellationToken);
                await stream.WriteAsync(NewLine(options), cancellationToken);
            }
            await stream.WriteAsync(Bytes(options.NewLineFormat), cancellationToken);
        }

        private static byte[] NewLine(FormatOptions options) =>
            options.NewLineFormat == NewLineFormat.Dos ? "\r\n"u8.ToArray() : "\n"u8.ToArray();

        // Written twice per send when the server announces SIZE (measured, then sent): converted once per format.
        private ReadOnlyMemory<byte> Bytes(NewLineFormat format) =>
            format == NewLineFormat.Dos ? _dos ??= Encode(dos: true) : _unix ??= Encode(dos: false);

        // The 7-bit body as bytes, every newline (LF or CRLF as stored) in the format asked for, ending with one. A line at a time
        // (the ASCII conversion is vectorised; a loop per character was 1.2 % of the worker's CPU, docs/benchmarks.md, ninth round).
        // The buffer is pooled and given back when MailKit has sent the message (the message is disposed).
        private ReadOnlyMemory<byte> Encode(bool dos)
        {
            var body = _stored.AsSpan(_start);
            var lines = body.Count('\n') + 1;
            var bytes = ArrayPool<byte>.Shared.Rent(body.Length + (dos ? lines : 0) + 2);
            (_rented ??= []).Add(bytes);
            var n = 0;
            while (!body.IsEmpty)
            {
                var end = body.IndexOf('\n');
                var line = end < 0 ? body : body[..end];
                if (end >= 0 && line.EndsWith('\r')) line = line[..^1];
                n += Encoding.ASCII.GetBytes(line, bytes.AsSpan(n));
                if (end < 0) break;
                if (dos) bytes[n++] = (byte)'\r';
                bytes[n++] = (byte)'\n';
                body = body[(end + 1)..];
            }
            if (n == 0 || bytes[n - 1] != '\n')
            {
                if (dos) bytes[n++] = (byte)'\r';
                bytes[n++] = (byte)'\n';
            }
            return bytes.AsMemory(0, n);
        }

        private List<byte[]>? _rented;

        protected override void Dispose(bool disposing)
        {
            if (disposing && _rented is { } rented)
            {
                _rented = null;
                _dos = _unix = null;
                foreach (var b in rented) ArrayPool<byte>.Shared.Return(b);
            }
            base.Dispose(disposing);
        }
    }
}
