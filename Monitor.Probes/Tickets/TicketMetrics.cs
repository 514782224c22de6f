using Prometheus;

namespace Monitor.Probes.Tickets;

/// <summary>The ticket probes' own counters (success and duration belong to the dispatcher).</summary>
public static class TicketMetrics
{
    public static readonly Counter TicketsProcessed = Metrics.CreateCounter(
        "satisfaction_tickets_processed_total", "Tickets read by a ticket probe or webhook.", "probe");

    public static readonly Counter CommentsProcessed = Metrics.CreateCounter(
        "satisfaction_ticket_comments_processed_total", "Requester comments turned into signals.", "probe");

    public static readonly Counter RecordsRejected = Metrics.CreateCounter(
        "satisfaction_ticket_records_rejected_total", "Malformed tickets, records or webhook payloads skipped, and reads cut short by a repeated page.", "probe");
}
