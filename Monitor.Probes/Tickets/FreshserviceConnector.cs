using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Monitor.Probes.Tickets;

/// <summary><c>Tickets:Freshservice</c>: basic auth with the agent's API key as user name and "X" as password.</summary>
public sealed class FreshserviceOptions : TicketSystemOptions
{
    public string? ApiKey { get; set; }

    protected internal override IEnumerable<(string Key, string? Value)> Credentials => [(nameof(ApiKey), ApiKey)];
}

/// <summary>
/// Freshservice API v2: <c>/api/v2/tickets?updated_since=…&amp;include=requester</c> paged by page/per_page,
/// conversations from <c>/api/v2/tickets/{id}/conversations</c> (<c>private</c> notes are internal,
/// <c>incoming</c> ones come from the requester's side) and CSAT from <c>/api/v2/tickets/{id}/csat_response</c>.
/// </summary>
/// <remarks>
/// The list is sorted by creation, so the connector reads all pages of the window and then yields the tickets in
/// update order, which the watermark needs. Simplified: <c>is_escalated</c> (set when a ticket went overdue) is
/// the SLA breach, observed at the ticket's update; reopens are not read (v2 has no reopen field).
/// </remarks>
public sealed class FreshserviceConnector(
    TicketSystem system,
    IHttpClientFactory httpClientFactory,
    FreshserviceOptions options,
    ILogger<FreshserviceConnector> logger)
    : TicketConnectorBase<FreshserviceOptions>(system, httpClientFactory, options, logger)
{
    protected override void Authenticate(HttpRequestMessage request) =>
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Options.ApiKey}:X")));

    public override async IAsyncEnumerable<TicketFetch> FetchUpdatedSinceAsync(DateTimeOffset since,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var from = Escape(since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        var window = new List<(JsonElement Ticket, DateTimeOffset? Updated)>();
        for (var page = 1; ; page++)
        {
            var json = (await GetJsonAsync(
                $"/api/v2/tickets?updated_since={from}&include=requester&page={page}&per_page={Options.PageSize}",
                cancellationToken))!.Value;
            var tickets = Required(json, "tickets");
            foreach (var t in tickets.EnumerateArray())
                window.Add((t, Text(t, "updated_at") is { } u ? ParseTime(u) : null));
            if (tickets.GetArrayLength() < Options.PageSize) break;
        }
        foreach (var (ticket, updated) in window.OrderBy(w => w.Updated ?? DateTimeOffset.MinValue))
            yield return await ReadTicketAsync(Text(ticket, "id"), updated, () => ReadOneAsync(ticket, cancellationToken));
    }

    private async Task<TicketRecord> ReadOneAsync(JsonElement ticket, CancellationToken cancellationToken)
    {
        var id = RequiredText(ticket, "id");
        var updated = RequiredTime(ticket, "updated_at");
        var requesterId = Text(ticket, "requester_id");
        var requesterEmail = Optional(ticket, "requester") is { } requester ? Text(requester, "email") : null;
        var comments = new List<TicketComment>();
        for (var page = 1; ; page++)
        {
            var json = (await GetJsonAsync(
                $"/api/v2/tickets/{id}/conversations?page={page}&per_page={Options.PageSize}", cancellationToken))!.Value;
            var conversations = Required(json, "conversations");
            foreach (var c in conversations.EnumerateArray())
            {
                // Replies are matched on user_id; "incoming" alone also covers forwarded mail from third parties.
                var fromRequester = Text(c, "user_id") is { } user && user == requesterId;
                comments.Add(new TicketComment(RequiredText(c, "id"), Text(c, "from_email"), !Flag(c, "private"), fromRequester,
                    Text(c, "body") ?? Text(c, "body_text") ?? "",
                    Text(c, "body") is null ? TicketBodyFormat.PlainText : TicketBodyFormat.Html,
                    RequiredTime(c, "created_at")));
            }
            if (conversations.GetArrayLength() < Options.PageSize) break;
        }
        var breach = Flag(ticket, "is_escalated") ? new TicketSlaBreach(updated) : null;
        return new TicketRecord(id, requesterEmail, updated, [], breach, await CsatAsync(id, updated, cancellationToken), comments);
    }

    /// <summary>The survey's acquired score on its own scale (e.g. 1–4) mapped to [-1, +1]; 404 means no answer.</summary>
    private async Task<TicketSatisfaction?> CsatAsync(string id, DateTimeOffset updated, CancellationToken cancellationToken)
    {
        if (await GetJsonAsync($"/api/v2/tickets/{id}/csat_response", cancellationToken, notFoundIsNull: true) is not { } json
            || Optional(json, "csat_response") is not { } response || Optional(response, "score") is not { } score
            || Text(score, "acquired_score") is not { } acquiredText) return null;
        var acquired = double.Parse(acquiredText, CultureInfo.InvariantCulture);
        var total = Text(score, "total_score") is { } t ? double.Parse(t, CultureInfo.InvariantCulture) : 4;
        if (total <= 1 || acquired < 1 || acquired > total)
            throw new TicketPayloadException($"CSAT score {acquired}/{total} is out of range");
        var at = Text(response, "created_at") is { } c ? ParseTime(c) : updated;
        return new TicketSatisfaction(2 * (acquired - 1) / (total - 1) - 1, Text(response, "id") ?? acquiredText, at,
            Text(response, "overall_rating_text"));
    }
}
