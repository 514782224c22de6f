using System.Text;
using System.Text.Json;

namespace Monitor.Probes.Tickets.Sentiment;

/// <summary>
/// Jira's Atlassian Document Format (a JSON tree of nodes, <c>{"type":"doc","content":[…]}</c>) to plain text:
/// text nodes joined, block nodes separated by line breaks, quotes and code left out.
/// </summary>
internal static class AdfText
{
    private const int MaxDepth = 128;

    private static readonly HashSet<string> Skipped = new(StringComparer.Ordinal)
        { "blockquote", "codeBlock", "mention", "inlineCard", "media", "mediaSingle", "mediaGroup" };
    private static readonly HashSet<string> Blocks = new(StringComparer.Ordinal)
    {
        "paragraph", "heading", "listItem", "bulletList", "orderedList", "tableRow", "panel", "rule", "expand", "taskItem",
        "decisionItem",
    };

    /// <summary>Converts when <paramref name="text"/> is an ADF document; false for anything else.</summary>
    public static bool TryToPlainText(string text, out string plain)
    {
        plain = string.Empty;
        var trimmed = text.AsSpan().TrimStart();
        if (trimmed.IsEmpty || trimmed[0] != '{' || !text.Contains("\"type\"", StringComparison.Ordinal))
        {
            return false;
        }
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = MaxDepth, AllowTrailingCommas = true });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Type(root) != "doc")
            {
                return false;
            }
            var builder = new StringBuilder();
            Append(root, builder);
            plain = builder.ToString();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static void Append(JsonElement node, StringBuilder builder)
    {
        var type = Type(node);
        if (type is null || Skipped.Contains(type))
        {
            return;
        }
        switch (type)
        {
            case "text":
                if (node.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String && !HasCodeMark(node))
                {
                    builder.Append(text.GetString());
                }
                return;
            case "hardBreak":
                builder.Append('\n');
                return;
            case "emoji":
                // The emoji's own character when present, else its short name such as ":smile:".
                if (node.TryGetProperty("attrs", out var attrs) && attrs.ValueKind == JsonValueKind.Object
                    && (attrs.TryGetProperty("text", out var emoji) || attrs.TryGetProperty("shortName", out emoji))
                    && emoji.ValueKind == JsonValueKind.String)
                {
                    builder.Append(' ').Append(emoji.GetString()).Append(' ');
                }
                return;
        }
        if (node.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array)
        {
            foreach (var child in content.EnumerateArray())
            {
                if (child.ValueKind == JsonValueKind.Object)
                {
                    Append(child, builder);
                }
            }
        }
        if (Blocks.Contains(type))
        {
            builder.Append('\n');
        }
    }

    private static string? Type(JsonElement node) =>
        node.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null;

    private static bool HasCodeMark(JsonElement node)
    {
        if (!node.TryGetProperty("marks", out var marks) || marks.ValueKind != JsonValueKind.Array)
        {
            return false;
        }
        foreach (var mark in marks.EnumerateArray())
        {
            if (mark.ValueKind == JsonValueKind.Object && Type(mark) == "code")
            {
                return true;
            }
        }
        return false;
    }
}
