using System.Net;
using System.Text;

namespace Monitor.Probes.Tickets.Sentiment;

/// <summary>
/// HTML to plain text by a single forward scan (no regular expressions, so no pathological input can make
/// it slow): block tags become line breaks, quoted and non-prose elements are dropped, entities decoded.
/// </summary>
internal static class HtmlText
{
    // Elements whose whole content is not the writer's prose: quotes of earlier mails, code, scripts.
    private static readonly HashSet<string> Dropped = new(StringComparer.OrdinalIgnoreCase)
        { "blockquote", "script", "style", "head", "pre", "code", "title" };

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "br", "p", "div", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "section", "article", "header",
        "footer",
    };

    /// <summary>True when the text contains something that looks like a tag.</summary>
    public static bool LooksLikeHtml(string text)
    {
        for (var i = text.IndexOf('<'); i >= 0 && i + 1 < text.Length; i = text.IndexOf('<', i + 1))
        {
            var next = text[i + 1];
            if ((char.IsAsciiLetter(next) || next is '/' or '!') && text.IndexOf('>', i + 1) > 0)
            {
                return true;
            }
        }
        return false;
    }

    public static string ToPlainText(string html)
    {
        var output = new StringBuilder(html.Length);
        var i = 0;
        while (i < html.Length)
        {
            var lt = html.IndexOf('<', i);
            if (lt < 0)
            {
                output.Append(html, i, html.Length - i);
                break;
            }
            output.Append(html, i, lt - i);
            i = Tag(html, lt, output);
        }
        return WebUtility.HtmlDecode(output.ToString());
    }

    /// <summary>Handles the tag at <paramref name="lt"/> and returns where scanning goes on.</summary>
    private static int Tag(string html, int lt, StringBuilder output)
    {
        if (string.CompareOrdinal(html, lt, "<!--", 0, 4) == 0)
        {
            var endComment = html.IndexOf("-->", lt + 4, StringComparison.Ordinal);
            return endComment < 0 ? html.Length : endComment + 3;
        }
        var gt = html.IndexOf('>', lt + 1);
        if (gt < 0)
        {
            // A lone '<' ("a < b") is text, not a tag.
            output.Append('<');
            return lt + 1;
        }
        var (name, closing) = TagName(html, lt + 1, gt);
        if (name.Length == 0)
        {
            output.Append('<');
            return lt + 1;
        }
        if (!closing && Dropped.Contains(name) && html[gt - 1] != '/')
        {
            return SkipElement(html, gt + 1, name);
        }
        if (Blocks.Contains(name))
        {
            output.Append('\n');
        }
        else
        {
            output.Append(' ');
        }
        return gt + 1;
    }

    private static (string Name, bool Closing) TagName(string html, int start, int end)
    {
        var closing = start < end && html[start] == '/';
        var i = closing ? start + 1 : start;
        var nameStart = i;
        while (i < end && (char.IsAsciiLetterOrDigit(html[i]) || html[i] == ':'))
        {
            i++;
        }
        return (html[nameStart..i], closing);
    }

    /// <summary>Skips to after the matching end tag, counting nested elements of the same name.</summary>
    private static int SkipElement(string html, int from, string name)
    {
        var depth = 1;
        var i = from;
        while (depth > 0)
        {
            var lt = html.IndexOf('<', i);
            if (lt < 0)
            {
                return html.Length;
            }
            var gt = html.IndexOf('>', lt + 1);
            if (gt < 0)
            {
                return html.Length;
            }
            var (tag, closing) = TagName(html, lt + 1, gt);
            if (string.Equals(tag, name, StringComparison.OrdinalIgnoreCase))
            {
                depth += closing ? -1 : html[gt - 1] == '/' ? 0 : 1;
            }
            i = gt + 1;
        }
        return i;
    }
}
