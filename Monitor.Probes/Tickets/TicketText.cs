using System.Text;
using System.Text.Json;

namespace Monitor.Probes.Tickets;

/// <summary>
/// Turns a comment body into the plain text the sentiment analyser reads. The seam where the full text cleaner
/// (HTML, Jira ADF, quoted replies, signatures) plugs in: register another implementation before
/// <c>AddTicketProbes</c>, which only adds <see cref="MinimalTicketTextExtractor"/> when none is registered.
/// </summary>
public interface ITicketTextExtractor
{
    string ToPlainText(string body, TicketBodyFormat format);
}

/// <summary>
/// A deliberately minimal extraction: Jira ADF's text nodes joined (blocks on separate lines), HTML and plain
/// text passed through unchanged.
/// </summary>
public sealed class MinimalTicketTextExtractor : ITicketTextExtractor
{
    public string ToPlainText(string body, TicketBodyFormat format) => format switch
    {
        TicketBodyFormat.JiraAdf => FromAdf(body),
        _ => body,
    };

    private static string FromAdf(string adf)
    {
        try
        {
            using var document = JsonDocument.Parse(adf);
            var text = new StringBuilder();
            Walk(document.RootElement, text);
            return text.ToString().Trim();
        }
        catch (JsonException)
        {
            return adf;
        }
    }

    private static void Walk(JsonElement node, StringBuilder text)
    {
        if (node.ValueKind != JsonValueKind.Object) return;
        if (node.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String)
        {
            if (type.GetString() == "text" && node.TryGetProperty("text", out var value) && value.ValueKind == JsonValueKind.String)
                text.Append(value.GetString());
            else if (type.GetString() == "hardBreak")
                text.Append('\n');
        }
        if (!node.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Array) return;
        foreach (var child in content.EnumerateArray())
        {
            Walk(child, text);
            if (child.TryGetProperty("content", out _) && text.Length > 0 && text[^1] != '\n') text.Append('\n');
        }
    }
}
