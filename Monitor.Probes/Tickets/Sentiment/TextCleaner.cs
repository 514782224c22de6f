using System.Text;

namespace Monitor.Probes.Tickets.Sentiment;

/// <summary>
/// Turns a ticket comment as a ticket system stores it (HTML, Jira ADF JSON, a pasted e-mail) into the
/// plain text the writer typed: markup, quoted replies, signatures and code blocks go, since they are
/// someone else's words or machine output and would skew the score. Never throws: on any surprise a
/// stage passes its input on unchanged.
/// </summary>
public static class TextCleaner
{
    /// <summary>Cleans <paramref name="raw"/>; null or blank gives an empty string.</summary>
    public static string Clean(string? raw) => Clean(raw, onStageFailure: null);

    /// <summary>
    /// Cleans <paramref name="raw"/> like <see cref="Clean(string?)"/>, and tells <paramref name="onStageFailure"/>
    /// about each stage that threw (named <c>markup</c>, <c>quoted-reply</c>, <c>signature</c> or <c>whitespace</c>):
    /// that stage's input passes on unchanged, so a failure is never silent to a caller who asks.
    /// </summary>
    public static string Clean(string? raw, Action<string, Exception>? onStageFailure)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return string.Empty;
        }
        var text = raw;
        text = Stage("markup", text, onStageFailure,
            static t => AdfText.TryToPlainText(t, out var plain) ? plain : HtmlText.LooksLikeHtml(t) ? HtmlText.ToPlainText(t) : t);
        text = Stage("quoted-reply", text, onStageFailure, EmailText.StripQuotedReply);
        text = Stage("signature", text, onStageFailure, EmailText.StripSignature);
        return Stage("whitespace", text, onStageFailure, NormaliseWhitespace);
    }

    private static string Stage(string name, string text, Action<string, Exception>? onFailure, Func<string, string> stage)
    {
        try
        {
            return stage(text);
        }
        catch (Exception e)
        {
            // Robustness over purity: a comment we cannot clean is still worth scoring as it is.
            onFailure?.Invoke(name, e);
            return text;
        }
    }

    /// <summary>Trims every line, collapses runs of spaces and of blank lines.</summary>
    internal static string NormaliseWhitespace(string text)
    {
        var builder = new StringBuilder(text.Length);
        var blankLines = 0;
        foreach (var rawLine in text.AsSpan().EnumerateLines())
        {
            var line = rawLine.Trim();
            if (line.IsEmpty)
            {
                blankLines++;
                continue;
            }
            if (builder.Length > 0)
            {
                builder.Append(blankLines > 0 ? "\n\n" : "\n");
            }
            blankLines = 0;
            var space = false;
            foreach (var c in line)
            {
                if (char.IsWhiteSpace(c))
                {
                    space = true;
                    continue;
                }
                if (space)
                {
                    builder.Append(' ');
                    space = false;
                }
                builder.Append(c);
            }
        }
        return builder.ToString();
    }
}
