namespace Monitor.Probes.Tickets.Sentiment;

/// <summary>
/// Removes the parts of a comment sent by e-mail that the writer did not write for this comment: the quoted
/// earlier conversation and the signature. Line-based and forgiving: it cuts only on clear markers.
/// </summary>
internal static class EmailText
{
    private const int MaxSignatureLines = 4;
    private const int MaxSignatureLineLength = 60;

    private static readonly string[] MobileFooters = ["Sent from my ", "Get Outlook for ", "Sent from Mail for ", "Sent from Yahoo Mail"];

    private static readonly HashSet<string> Closings = new(StringComparer.OrdinalIgnoreCase)
    {
        "best regards", "kind regards", "warm regards", "regards", "best", "best wishes", "all the best", "cheers",
        "thanks", "thank you", "many thanks", "thanks and regards", "thanks & regards", "sincerely", "yours sincerely",
        "br", "kr", "thx",
    };

    /// <summary>Drops lines quoted with '>' and cuts at the header of a quoted earlier message.</summary>
    public static string StripQuotedReply(string text)
    {
        var lines = text.Split('\n');
        var kept = new List<string>(lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.StartsWith('>'))
            {
                continue;
            }
            if (IsQuoteHeader(lines, i, line))
            {
                break;
            }
            kept.Add(lines[i].TrimEnd('\r'));
        }
        return string.Join('\n', kept);
    }

    /// <summary>
    /// Cuts at a "-- " signature delimiter, a mobile footer, or a closing ("Best regards,") followed only by a short sign-off.
    /// </summary>
    public static string StripSignature(string text)
    {
        var lines = text.Split('\n');
        var end = lines.Length;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line is "-- " or "--" || StartsWithAny(line.TrimStart(), MobileFooters))
            {
                end = i;
                break;
            }
        }
        end = ClosingLine(lines, end);
        return string.Join('\n', lines.Take(end).Select(l => l.TrimEnd('\r')));
    }

    private static bool IsQuoteHeader(string[] lines, int i, string line)
    {
        // "On Tue, 3 Mar 2026 at 10:12, Jane Doe <jane@example.com> wrote:" — often wrapped onto two lines.
        if (line.StartsWith("On ", StringComparison.Ordinal))
        {
            var joined = i + 1 < lines.Length ? line + " " + lines[i + 1].Trim() : line;
            if (line.EndsWith("wrote:", StringComparison.OrdinalIgnoreCase)
                || joined.EndsWith("wrote:", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        if (line.StartsWith("-----", StringComparison.Ordinal) && line.Contains("Original Message", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        // Outlook: a "From:" line with "Sent:" or "Date:" just below, sometimes after a line of underscores.
        if (line.Length >= 10 && line.All(c => c == '_'))
        {
            return i + 1 < lines.Length && lines[i + 1].TrimStart().StartsWith("From:", StringComparison.OrdinalIgnoreCase);
        }
        if (line.StartsWith("From:", StringComparison.OrdinalIgnoreCase))
        {
            for (var k = i + 1; k < Math.Min(lines.Length, i + 5); k++)
            {
                var next = lines[k].TrimStart();
                if (next.StartsWith("Sent:", StringComparison.OrdinalIgnoreCase)
                    || next.StartsWith("Date:", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>
    /// The index of a closing line near the end that only a short sign-off follows, or <paramref name="end"/>.
    /// A closing that is the first line is kept: then it is the message ("Thanks!"), not its sign-off.
    /// </summary>
    private static int ClosingLine(string[] lines, int end)
    {
        var after = 0;
        for (var i = end - 1; i > 0; i--)
        {
            var line = lines[i].Trim();
            if (line.Length == 0)
            {
                continue;
            }
            if (Closings.Contains(line.TrimEnd(',', '.', '!', ' ')))
            {
                return HasTextBefore(lines, i) ? i : end;
            }
            if (++after > MaxSignatureLines || line.Length > MaxSignatureLineLength)
            {
                return end;
            }
        }
        return end;
    }

    private static bool HasTextBefore(string[] lines, int index)
    {
        for (var i = 0; i < index; i++)
        {
            if (!string.IsNullOrWhiteSpace(lines[i]))
            {
                return true;
            }
        }
        return false;
    }

    private static bool StartsWithAny(string line, string[] prefixes)
    {
        foreach (var prefix in prefixes)
        {
            if (line.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }
}
