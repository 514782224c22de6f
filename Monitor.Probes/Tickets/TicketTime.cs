using System.Globalization;

namespace Monitor.Probes.Tickets;

/// <summary>Times as GLPI, Freshservice and ServiceNow must write them.</summary>
internal static class TicketTime
{
    /// <summary>
    /// A required timestamp: a bare number (seconds? milliseconds? in which zone?) is not one, even where a lenient
    /// parser would make a date of it; <paramref name="parse"/> reads the system's own format.
    /// </summary>
    public static DateTimeOffset Strict(string text, Func<string, DateTimeOffset> parse) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? throw new FormatException($"'{text}' is not a timestamp")
            : parse(text);
}
