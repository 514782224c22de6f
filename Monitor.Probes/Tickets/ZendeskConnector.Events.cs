using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Monitor.Core;

namespace Monitor.Probes.Tickets;

/// <summary>Zendesk's dated history of a ticket (audits), its SLA breaches (metric events) and user lookups for webhooks.</summary>
public sealed partial class ZendeskConnector
{
    private const int ShowManyLimit = 100;
    private static readonly HashSet<string> Resolved = new(["solved", "closed"], StringComparer.OrdinalIgnoreCase);
    private readonly MemoryCache _users = new(new MemoryCacheOptions { SizeLimit = 2000 });

    /// <summary>Reopens and when the rating was given, from the ticket's audits.</summary>
    private sealed record TicketHistory(List<TicketReopen> Reopens, DateTimeOffset? RatedAt);

    /// <summary>
    /// GET /api/v2/tickets/{id}/audits.json: a <c>Change</c> of <c>status</c> from solved/closed to anything else is a
    /// reopen at the audit's <c>created_at</c> (keyed by that time in Unix seconds, as the status-changed webhook is);
    /// the newest <c>SatisfactionRating</c> event (or change of <c>satisfaction_score</c>) dates the rating.
    /// A malformed audit is rejected alone.
    /// </summary>
    private async Task<TicketHistory> HistoryAsync(string id, List<string> rejected, CancellationToken cancellationToken)
    {
        var history = new TicketHistory([], null);
        for (var next = $"/api/v2/tickets/{id}/audits.json"; ;)
        {
            var page = (await GetJsonAsync(next, cancellationToken))!.Value;
            foreach (var audit in Required(page, "audits").EnumerateArray())
            {
                var read = ReadRecord(id, $"audit {Text(audit, "id")}", rejected, () => Audit(audit));
                if (read is null) continue;
                history.Reopens.AddRange(read.Reopens);
                if (read.RatedAt is { } at && (history.RatedAt is null || at > history.RatedAt)) history = history with { RatedAt = at };
            }
            if (NextPage(page, next) is not { } nextPage) return history;
            next = nextPage;
        }
    }

    private static TicketHistory Audit(JsonElement audit)
    {
        var events = Required(audit, "events");
        var at = RequiredTime(audit, "created_at");
        var reopened = events.EnumerateArray().Any(e => Text(e, "type") == "Change" && Text(e, "field_name") == "status"
            && Text(e, "previous_value") is { } from && Resolved.Contains(from) && !(Text(e, "value") is { } to && Resolved.Contains(to)));
        var rated = events.EnumerateArray().Any(e => Text(e, "type") == "SatisfactionRating"
            || (Text(e, "type") == "Change" && Text(e, "field_name") == "satisfaction_score"));
        return new TicketHistory(reopened ? [ReopenAt(at)] : [], rated ? at : null);
    }

    /// <summary>A reopen keyed by its time in Unix seconds: the audit pulled and the webhook pushed give the same key.</summary>
    internal static TicketReopen ReopenAt(DateTimeOffset at) =>
        new(at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), at);

    /// <summary>
    /// GET /api/v2/incremental/ticket_metric_events?start_time= (time-based, next_page until end_of_stream): the first
    /// <c>breach</c> event per ticket, left out when it is marked deleted or still in the future. The list is for
    /// admins only: refused, the run goes on without SLA breaches and says so once per run.
    /// </summary>
    private async Task<Dictionary<string, DateTimeOffset>> SlaBreachesAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var breaches = new Dictionary<string, DateTimeOffset>();
        var now = DateTimeOffset.UtcNow;
        try
        {
            for (var next = $"/api/v2/incremental/ticket_metric_events?start_time={since.ToUnixTimeSeconds()}"; ;)
            {
                var page = (await GetJsonAsync(next, cancellationToken))!.Value;
                foreach (var e in Required(page, "ticket_metric_events").EnumerateArray())
                {
                    if (Text(e, "type") != "breach" || Flag(e, "deleted") || Text(e, "ticket_id") is not { } ticket) continue;
                    if (TimeOrNull(e, "time") is not { } at || at > now) continue;
                    if (!breaches.TryGetValue(ticket, out var first) || at < first) breaches[ticket] = at;
                }
                if (Optional(page, "end_of_stream")?.ValueKind == JsonValueKind.True
                    || Text(page, "next_page") is not { Length: > 0 } nextPage || nextPage == next) return breaches;
                next = new Uri(nextPage).PathAndQuery;
            }
        }
        catch (TicketAuthenticationException e)
        {
            Logger.LogWarning("zendesk: SLA breaches not read ({Reason}); the ticket metric events need an admin's token",
                LogSafe.Value(e.Message));
            return breaches;
        }
    }

    /// <summary>
    /// The tickets with a breach event this run that the export did not hold, read with
    /// GET /api/v2/tickets/show_many.json?ids=…&amp;include=users (at most 100 ids a call) and then like exported ones.
    /// Yielded after the export: their update is older than the window, so the watermark does not move for them.
    /// </summary>
    private async IAsyncEnumerable<TicketFetch> BreachedOutsideExportAsync(Dictionary<string, DateTimeOffset> breaches,
        HashSet<string> exported, SurveyState surveyState, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var ids in breaches.Keys.Where(id => !exported.Contains(id)).Order(StringComparer.Ordinal).Chunk(ShowManyLimit))
        {
            var page = (await GetJsonAsync(
                $"/api/v2/tickets/show_many.json?ids={Escape(string.Join(",", ids))}&include=users", cancellationToken))!.Value;
            var emails = Emails(page);
            var tickets = Required(page, "tickets");
            var surveys = await SurveyResponsesAsync(TicketIds(tickets), surveyState, cancellationToken);
            foreach (var ticket in tickets.EnumerateArray())
            {
                var updated = TimeOrNull(ticket, "updated_at");
                yield return await ReadTicketAsync(Text(ticket, "id"), updated,
                    () => ReadOneAsync(ticket, emails, breaches, surveys, cancellationToken));
            }
        }
    }

    /// <summary>A user's e-mail for event webhooks, which carry only ids: GET /api/v2/users/{id}.json, cached ten minutes.</summary>
    public async Task<TicketPerson?> RequesterAsync(string key, CancellationToken cancellationToken)
    {
        if (!Options.Enabled || string.IsNullOrEmpty(Options.BaseUrl)) return null;
        if (_users.TryGetValue(key, out TicketPerson? cached)) return cached;
        var found = await GetJsonAsync($"/api/v2/users/{Escape(key)}.json", cancellationToken, notFoundIsNull: true);
        var person = found is { } f && Optional(f, "user") is { } user && Text(user, "id") is { } id
            ? new TicketPerson(id, Text(user, "email"))
            : null;
        _users.Set(key, person, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(10) });
        return person;
    }

    public void Dispose() => _users.Dispose();
}
