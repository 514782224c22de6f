using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;

namespace Monitor.Probes.Tickets;

/// <summary>Service Management's own resources (feedback, SLA) and the requester lookup for webhooks.</summary>
public sealed partial class JiraConnector
{
    /// <summary>Reporters by issue key, for comment webhooks; bounded so that a flood of issues cannot grow it.</summary>
    private readonly MemoryCache _requesters = new(new MemoryCacheOptions { SizeLimit = 2000 });
    private static readonly TimeSpan RequesterLifetime = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The requester (reporter) of <paramref name="issueKey"/>, for webhook events that carry the issue without it:
    /// one <c>GET /rest/api/{3|2}/issue/{key}?fields=reporter</c>, cached for ten minutes (at most 2000 issues).
    /// Null when Jira is not configured, the issue is gone, or it has no reporter.
    /// </summary>
    public async Task<TicketPerson?> RequesterAsync(string issueKey, CancellationToken cancellationToken)
    {
        if (!Options.Enabled || string.IsNullOrEmpty(Options.BaseUrl)) return null;
        if (_requesters.TryGetValue(issueKey, out TicketPerson? cached)) return cached;
        var issue = await GetJsonAsync($"{Api}/issue/{Escape(issueKey)}?fields=reporter", cancellationToken, notFoundIsNull: true);
        var person = issue is { } i && Optional(i, "fields") is { } f ? Person(Optional(f, "reporter")) : null;
        _requesters.Set(issueKey, person, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = RequesterLifetime });
        return person;
    }

    /// <summary>
    /// When the rating was given: the newest changelog entry that set JSM's <c>Satisfaction</c> field; null when the
    /// expanded changelog has none (an entry without a readable time is passed over; the caller then falls back to the issue's update time).
    /// </summary>
    private static DateTimeOffset? RatedAt(List<JsonElement> histories)
    {
        DateTimeOffset? at = null;
        foreach (var history in histories)
        {
            if (Optional(history, "items") is not { } items) continue;
            if (items.EnumerateArray().Any(i => string.Equals(Text(i, "field"), "Satisfaction", StringComparison.OrdinalIgnoreCase))
                && TimeOrNull(history, "created") is { } created && (at is null || created > at))
                at = created;
        }
        return at;
    }

    /// <summary>JSM's CSAT is 1–5 stars: 1 maps to -1 (a hard signal), 3 to 0, 5 to +1. 404 means no feedback.</summary>
    private async Task<TicketSatisfaction?> FeedbackAsync(string key, DateTimeOffset ratedAt, CancellationToken cancellationToken)
    {
        if (await GetJsonAsync($"/rest/servicedeskapi/request/{Escape(key)}/feedback", cancellationToken, notFoundIsNull: true)
            is not { } feedback || Text(feedback, "rating") is not { } text) return null;
        var rating = int.Parse(text, CultureInfo.InvariantCulture);
        if (rating is < 1 or > 5) throw new TicketPayloadException($"feedback rating {rating} is outside 1-5");
        var comment = Optional(feedback, "comment") is { } c ? Text(c, "body") : null;
        return new TicketSatisfaction((rating - 3) / 2.0, rating.ToString(CultureInfo.InvariantCulture), ratedAt, comment);
    }

    private async Task<TicketSlaBreach?> SlaBreachAsync(string key, CancellationToken cancellationToken)
    {
        if (await GetJsonAsync($"/rest/servicedeskapi/request/{Escape(key)}/sla", cancellationToken, notFoundIsNull: true)
            is not { } sla || Optional(sla, "values") is not { } values) return null;
        DateTimeOffset? first = null;
        foreach (var metric in values.EnumerateArray())
        {
            var cycles = Optional(metric, "completedCycles") is { } done ? done.EnumerateArray().ToList() : [];
            if (Optional(metric, "ongoingCycle") is { } ongoing) cycles.Add(ongoing);
            foreach (var cycle in cycles.Where(c => Optional(c, "breached")?.ValueKind == JsonValueKind.True))
            {
                var when = Optional(cycle, "breachTime") is { } b && Text(b, "iso8601") is { } iso ? ParseTime(iso) : (DateTimeOffset?)null;
                if (when is not null && (first is null || when < first)) first = when;
            }
        }
        return first is { } at ? new TicketSlaBreach(at) : null;
    }
}
