using System.Text;
using MimeKit;

namespace Monitor.Worker.Pulse;

/// <summary>
/// A message from the outbox handed to MailKit as it is stored: its headers parsed (a few hundred bytes: MailKit writes them
/// back verbatim), its body written as the stored bytes. Parsing the whole stored message back into MimeKit's object graph
/// for every send was a third of the sending side's time (docs/benchmarks.md). Only for messages that need no preparing
/// for the wire: 7-bit text with lines within SMTP's 998; anything else is parsed in full so that MailKit can re-encode it.
/// </summary>
internal static class StoredMessage
{
    private const int MaxLine = 998;

    /// <summary>The stored message as a <see cref="MimeMessage"/> writing its body as stored; parsed in full when not 7-bit.</summary>
    public static MimeMessage Load(string stored) => TryWrap(stored) ?? PulseMail.Parse(stored);

    /// <summary>The wrapped message, or null when the stored text is not 7-bit with short lines (or has no header/body split).</summary>
    public static MimeMessage? TryWrap(string stored)
    {
        if (!Ascii.IsValid(stored) || !LinesFit(stored)) return null;
        // The header section with its blank line, and where the body starts, in either newline format.
        int headEnd;
        var lf = stored.IndexOf("\n\n", StringComparison.Ordinal);
        var crlf = stored.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (crlf >= 0 && (lf < 0 || crlf < lf)) headEnd = crlf + 4;
        else if (lf >= 0) headEnd = lf + 2;
        else return null;
        HeaderList headers;
        using (var head = new MemoryStream(Encoding.ASCII.GetBytes(stored, 0, headEnd)))
            headers = HeaderList.Load(ParserOptions.Default, head);
        var type = headers[HeaderId.ContentType];
        if (type is null || !ContentType.TryParse(type, out var contentType)) return null;
        // The body entity carries the Content-* headers, the message the rest; MimeKit merges them back in their stored order.
        var body = new RawBody(contentType, headers.Where(IsContent), stored, headEnd);
        return new MimeMessage(headers.Where(h => !IsContent(h))) { Body = body };
    }

    private static bool IsContent(Header h) => h.Field.StartsWith("Content-", StringComparison.OrdinalIgnoreCase);

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

        public RawBody(ContentType type, IEnumerable<Header> headers, string stored, int start) : base(type)
        {
            _stored = stored;
            _start = start;
            foreach (var h in headers)
            {
                if (h.Id == HeaderId.ContentType) Headers.Replace(h);
                else Headers.Add(h);
            }
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

        // The 7-bit body as bytes in one pass, every newline (LF or CRLF as stored) in the format asked for, ending with one.
        private ReadOnlyMemory<byte> Encode(bool dos)
        {
            var body = _stored.AsSpan(_start);
            var lines = body.Count('\n') + 1;
            var bytes = new byte[body.Length + (dos ? lines : 0) + 2];
            var n = 0;
            for (var i = 0; i < body.Length; i++)
            {
                var c = body[i];
                if (c == '\r' && i + 1 < body.Length && body[i + 1] == '\n') continue;
                if (c == '\n' && dos) bytes[n++] = (byte)'\r';
                bytes[n++] = (byte)c;
            }
            if (n == 0 || bytes[n - 1] != '\n')
            {
                if (dos) bytes[n++] = (byte)'\r';
                bytes[n++] = (byte)'\n';
            }
            return bytes.AsMemory(0, n);
        }
    }
}
