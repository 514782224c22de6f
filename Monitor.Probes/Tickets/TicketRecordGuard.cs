using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Monitor.Probes.Tickets;

/// <summary>
/// Reads one record of a ticket (a conversation, a rating, a reopen) so that a malformed one is rejected alone:
/// it is logged once with the ticket id and counted in <c>satisfaction_ticket_records_rejected_total</c>, and
/// the ticket's other records, the run and the watermark go on. Only the parse is guarded: a failed request
/// still fails the ticket or the run, as before.
/// </summary>
internal static class TicketRecordGuard
{
    public static bool TryRead<T>(TicketSystem system, ILogger logger, string ticketId, string what, Func<T> read,
        out T value)
    {
        try
        {
            value = read();
            return true;
        }
        catch (Exception e) when (IsMalformed(e))
        {
            logger.LogWarning("{Probe} ticket {TicketId}: {Record} rejected: {Reason}", system.ProbeName, ticketId, what, e.Message);
            TicketMetrics.RecordsRejected.WithLabels(system.ProbeName).Inc();
            value = default!;
            return false;
        }
    }

    /// <summary>What a record that is not in the documented shape throws while it is read.</summary>
    public static bool IsMalformed(Exception e) =>
        e is TicketPayloadException or FormatException or InvalidOperationException or KeyNotFoundException or OverflowException;

    /// <summary>A required timestamp: a bare number (seconds? milliseconds? in which zone?) is not one.</summary>
    public static DateTimeOffset Time(string text, Func<string, DateTimeOffset> parse) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? throw new FormatException($"'{text}' is not a timestamp")
            : parse(text);

    /// <summary>A timestamp that may be missing or not a date (a vendor example has a bare number): null then.</summary>
    public static DateTimeOffset? TryTime(string? text, Func<string, DateTimeOffset> parse)
    {
        if (string.IsNullOrWhiteSpace(text) || double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            return null;
        try
        {
            return parse(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
