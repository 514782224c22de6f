using Monitor.Probes.Tickets.Sentiment;

namespace Monitor.Probes.Tickets;

/// <summary>Turns a comment body into the plain text the sentiment analyser reads.</summary>
public interface ITicketTextExtractor
{
    string ToPlainText(string body, TicketBodyFormat format);
}

/// <summary>
/// The production text path, registered by <c>AddTicketProbes</c> so that tests run what production runs:
/// HTML, Jira ADF, quoted replies and signatures to plain text (<see cref="TextCleaner"/>).
/// </summary>
public sealed class CleaningTicketTextExtractor : ITicketTextExtractor
{
    public string ToPlainText(string body, TicketBodyFormat format) => TextCleaner.Clean(body);
}
