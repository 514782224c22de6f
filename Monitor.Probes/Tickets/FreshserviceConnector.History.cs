using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Monitor.Probes.Tickets;

/// <summary>
/// What Freshservice says about a ticket's history: reopens from its activities
/// (<c>GET /api/v2/tickets/{id}/activities</c>, each <c>{actor, content, sub_contents[], created_at}</c>) and the
/// SLA breaches from the deadlines beside the escalation flags of the ticket itself.
/// </summary>
public sealed partial class FreshserviceConnector
{
    private static readonly string[] Done = ["resolved", "closed"];

    /// <summary>
    /// A reopen is an activity that sets the status to Open (or says it reopened the ticket) after an activity that
    /// set it to Resolved or Closed, dated by the activity's <c>created_at</c> and keyed by it (activities have no id).
    /// The API answers the 20 most recent activities and a <c>next_page_url</c> (<c>?start_token=…</c>) for older ones,
    /// followed to the end: the resolve before a reopen is often older than the last 20.
    /// 404 (no activities for this ticket, or an account without them) means no reopens, as before.
    /// </summary>
    private async Task<List<TicketReopen>> ReopensAsync(string id, List<string> rejected, CancellationToken cancellationToken)
    {
        var reopens = new List<TicketReopen>();
        var dated = new List<(DateTimeOffset At, string Text)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var next = $"/api/v2/tickets/{id}/activities"; seen.Add(next);)
        {
            if (await GetJsonAsync(next, cancellationToken, notFoundIsNull: true) is not { } json
                || Optional(json, "activities") is not { ValueKind: JsonValueKind.Array } activities) break;
            foreach (var a in activities.EnumerateArray())
            {
                var text = string.Join("\n", Lines(a));
                if (StatusChange().IsMatch(text) || text.Contains("reopen", StringComparison.OrdinalIgnoreCase))
                {
                    if (ReadRecord(id, "activity", rejected, () => new Dated(Time(RequiredText(a, "created_at")))) is { } at)
                        dated.Add((at.At, text));
                }
            }
            // An absolute URL on the account's domain (not always the BaseUrl's host): only its start_token query is taken.
            if (Text(json, "next_page_url") is not { Length: > 0 } page || !Uri.TryCreate(page, UriKind.Absolute, out var url)
                || url.Query.Length == 0) break;
            next = $"/api/v2/tickets/{id}/activities{url.Query}";
        }
        var done = false;
        // The API lists newest first; the order of status changes is what matters, so sort by time.
        foreach (var (at, text) in dated.OrderBy(d => d.At))
        {
            var status = StatusChange().Matches(text).LastOrDefault()?.Groups["status"].Value.ToLowerInvariant();
            var reopened = text.Contains("reopen", StringComparison.OrdinalIgnoreCase) || status == "open";
            if (done && reopened)
                reopens.Add(new TicketReopen(at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), at));
            if (status is not null) done = Done.Contains(status);
            else if (reopened) done = false;
        }
        return reopens;
    }

    /// <summary>
    /// <c>is_escalated</c> says the resolution deadline <c>due_by</c> passed, <c>fr_escalated</c> that the first-response
    /// deadline <c>fr_due_by</c> did: the breach happened at the earlier passed deadline. A deadline later than the ticket's
    /// update (moved after the breach) or unreadable dates the breach at the update, the latest it can have happened.
    /// </summary>
    private static TicketSlaBreach? SlaBreach(JsonElement ticket, DateTimeOffset updated)
    {
        var deadlines = new List<DateTimeOffset>();
        if (Flag(ticket, "is_escalated")) deadlines.Add(TimeOrNull(ticket, "due_by") ?? updated);
        if (Flag(ticket, "fr_escalated")) deadlines.Add(TimeOrNull(ticket, "fr_due_by") ?? updated);
        return deadlines.Count == 0 ? null : new TicketSlaBreach(deadlines.Select(d => d <= updated ? d : updated).Min());
    }

    private static IEnumerable<string> Lines(JsonElement activity)
    {
        if (Text(activity, "content") is { } content) yield return content;
        if (Optional(activity, "sub_contents") is { ValueKind: JsonValueKind.Array } subs)
            foreach (var s in subs.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.String))
                yield return s.GetString()!;
    }

    private sealed record Dated(DateTimeOffset At);

    // "set Status as Resolved", "changed the status to Open" (either wording; the last on an activity counts).
    [GeneratedRegex(@"status\s+(?:as|to)\s+(?<status>[A-Za-z]+)", RegexOptions.IgnoreCase)]
    private static partial Regex StatusChange();
}
