using Monitor.Core.Signals;
using Monitor.Probes.Tickets.Sentiment;

namespace Monitor.Probes.Tickets;

/// <summary>
/// Turns a ticket into signals, the same way for pulled tickets and webhooks. Only public comments written by
/// the requester count; agents' replies and internal notes say nothing about the requester's mood.
/// Sources are stable dedupe keys: <c>jira:SUP-12:comment:10042</c>, <c>jira:SUP-12:reopened:&lt;key&gt;</c>, ….
/// </summary>
public sealed class TicketSignalMapper(ISentimentAnalyser analyser, ITicketTextExtractor textExtractor)
{
    public const double ReopenedScore = -0.6;
    public const double SlaBreachedScore = -0.4;
    public const double CsatWeight = 3.0;
    private const int MaxStoredComment = 1000;

    /// <summary>
    /// How far ahead of now a ticket system's time may lie: a clock a few minutes fast, or local times read as UTC (up to
    /// 14 hours), still go in; a year such as 2100 or 9999, which would never count and never be pruned, does not.
    /// </summary>
    public static readonly TimeSpan MaxAhead = TimeSpan.FromDays(1);

    /// <summary>Why a mapped signal is not stored (<see cref="Signal.Validate"/>, or dated beyond <see cref="MaxAhead"/>), or null.</summary>
    public static string? Problem(Signal signal, DateTimeOffset now) =>
        signal.Validate() ?? (signal.ObservedAt > now + MaxAhead
            ? $"dated {signal.ObservedAt:O}, more than {MaxAhead.TotalHours:0} hours ahead of now"
            : null);

    /// <returns>The signals and how many comments produced one.</returns>
    public (IReadOnlyList<Signal> Signals, int Comments) Map(string system, string userId, TicketRecord ticket, double minimumConfidence)
    {
        var signals = new List<Signal>();
        var prefix = $"{system}:{ticket.Id}";
        var comments = 0;
        foreach (var comment in ticket.Comments)
        {
            if (!comment.IsPublic || !comment.AuthorIsRequester) continue;
            var text = textExtractor.ToPlainText(comment.Body, comment.Format).Trim();
            if (text.Length == 0) continue;
            var sentiment = analyser.Analyse(text);
            if (sentiment.Confidence < minimumConfidence || sentiment.Confidence <= 0) continue;
            // The analyser's confidence is the weight: a comment with little evidence moves the score little.
            signals.Add(new Signal(userId, SignalKinds.TicketSentiment, Math.Clamp(sentiment.Score, -1, 1),
                Math.Clamp(sentiment.Confidence, 0.01, 1), comment.CreatedAt, $"{prefix}:comment:{comment.Id}",
                text.Length > MaxStoredComment ? text[..MaxStoredComment] : text));
            comments++;
        }
        if (ticket.Satisfaction is { } rating)
            signals.Add(new Signal(userId, SignalKinds.TicketCsat, rating.Score, CsatWeight, rating.At,
                $"{prefix}:csat:{rating.Key}",
                rating.Comment is { Length: > MaxStoredComment } c ? c[..MaxStoredComment] : rating.Comment));
        foreach (var reopen in ticket.Reopens)
            signals.Add(new Signal(userId, SignalKinds.TicketReopened, ReopenedScore, 1, reopen.At, $"{prefix}:reopened:{reopen.Key}"));
        if (ticket.SlaBreach is { } breach)
            signals.Add(new Signal(userId, SignalKinds.TicketSlaBreached, SlaBreachedScore, 1, breach.At, $"{prefix}:sla_breached"));
        return (signals, comments);
    }
}
