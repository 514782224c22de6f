namespace Monitor.Probes.Tickets;

/// <summary>
/// Reads one ticket system incrementally. Implementations yield tickets in ascending order of
/// <see cref="TicketRecord.UpdatedAt"/> so that the caller can advance its watermark past each ticket it has
/// fully processed, and they page through the system's API themselves.
/// </summary>
public interface ITicketConnector
{
    /// <summary>The catalogue key: <c>jira</c>, <c>servicenow</c>, …; the probe is named <c>tickets_&lt;System&gt;</c>.</summary>
    string System { get; }

    /// <summary>
    /// Tickets updated at or after <paramref name="since"/> (UTC), each with its comments. A ticket whose
    /// own payload is malformed comes back as a <see cref="TicketFetch"/> with <see cref="TicketFetch.Rejection"/>
    /// set; a failure that says nothing about one ticket (network, credentials, an unreadable page) throws.
    /// </summary>
    IAsyncEnumerable<TicketFetch> FetchUpdatedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken);
}

/// <summary>
/// One item of a fetch: a ticket, the reason a ticket could not be read, or a notice that the read was cut short
/// (<see cref="CutShort"/>).
/// </summary>
/// <param name="CutShort">
/// The connector could not read the whole window (the system answered the same page again): the tickets that follow
/// are stored as usual, but tickets it could not read may be older than them, so the watermark does not move for the
/// rest of the run. The probe logs the reason once and counts it as a rejection.
/// </param>
public sealed record TicketFetch(TicketRecord? Ticket, TicketRejection? Rejection, string? CutShort = null)
{
    public static TicketFetch Of(TicketRecord ticket) => new(ticket, null);

    public static TicketFetch ReadCutShort(string reason) => new(null, null, reason);

    public static TicketFetch Rejected(string? ticketId, DateTimeOffset? updatedAt, string reason) =>
        new(null, new TicketRejection(ticketId, updatedAt, reason));
}

/// <param name="TicketId">The id if it could be read.</param>
/// <param name="UpdatedAt">When known, the watermark may move past the rejected ticket: re-reading it would fail again.</param>
public sealed record TicketRejection(string? TicketId, DateTimeOffset? UpdatedAt, string Reason);

/// <summary>A ticket in a shape common to every system. All times are UTC.</summary>
public sealed record TicketRecord(
    string Id,
    string? RequesterEmail,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<TicketReopen> Reopens,
    TicketSlaBreach? SlaBreach,
    TicketSatisfaction? Satisfaction,
    IReadOnlyList<TicketComment> Comments)
{
    /// <summary>
    /// Records of this ticket (a comment, the rating, an SLA cycle, a reopen) that were malformed and left out, one
    /// short reason each; the connector has logged them with the ticket id, the probe counts them. The ticket's other
    /// records are read as usual.
    /// </summary>
    public IReadOnlyList<string> RejectedRecords { get; init; } = [];
}

/// <param name="Key">Stable per ticket (a changelog id, or the reopen's ordinal where the system only counts them).</param>
public sealed record TicketReopen(string Key, DateTimeOffset At);

public sealed record TicketSlaBreach(DateTimeOffset At);

/// <param name="Score">The system's rating mapped to [-1, +1]: bad = -1, good = +1.</param>
/// <param name="Key">Stable per rating, so that a changed rating is a new signal and a re-read one is not.</param>
public sealed record TicketSatisfaction(double Score, string Key, DateTimeOffset At, string? Comment = null);

/// <summary>How a comment body is encoded; the text extractor turns it into plain text.</summary>
public enum TicketBodyFormat
{
    PlainText,
    Html,
    JiraAdf,
}

/// <param name="IsPublic">Visible to the requester; internal notes never become signals.</param>
/// <param name="AuthorIsRequester">Written by the ticket's requester; agents' comments never become signals.</param>
public sealed record TicketComment(
    string Id,
    string? AuthorEmail,
    bool IsPublic,
    bool AuthorIsRequester,
    string Body,
    TicketBodyFormat Format,
    DateTimeOffset CreatedAt);

/// <summary>The ticket system refused the credentials (HTTP 401 or 403).</summary>
public sealed class TicketAuthenticationException(string message) : Exception(message);

/// <summary>A response could not be read as the documented shape (truncated JSON, missing fields).</summary>
public sealed class TicketPayloadException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Looks up the requester a pushed event leaves out (a Jira comment webhook carries the issue without its reporter;
/// a Zendesk event webhook carries only user ids), through the system's API with a bounded cache.
/// </summary>
public interface ITicketRequesterSource
{
    /// <param name="key">What the event names: a Jira issue key, a Zendesk user id.</param>
    /// <returns>The person, or null when the system does not know them or the system is not configured.</returns>
    Task<TicketPerson?> RequesterAsync(string key, CancellationToken cancellationToken);
}

/// <param name="Id">The system's own id: Jira Cloud's accountId or Data Center's user key, Zendesk's user id.</param>
public sealed record TicketPerson(string Id, string? Email);
