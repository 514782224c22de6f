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
/// <c>incoming</c> ones come from the requester's side), CSAT from <c>/api/v2/tickets/{id}/csat_response</c> and reopens
/// from <c>/api/v2/tickets/{id}/activities</c> (FreshserviceConnector.History.cs).
/// </summary>
/// <remarks>
/// The list is sorted by creation, so the connector reads all pages of the window and then yields the tickets in
/// update order, which the watermark needs. <c>is_escalated</c> / <c>fr_escalated</c> are the SLA breach, dated at the
/// deadline that passed (<c>due_by</c> / <c>fr_due_by</c>).
/// </remarks>
public sealed partial class FreshserviceConnector(
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
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var page = 1; ; page++)
        {
            var json = (await GetJsonAsync(
                $"/api/v2/tickets?updated_since={from}&include=requester&page={page}&per_page={Options.PageSize}",
                cancellationToken))!.Value;
            var tickets = Required(json, "tickets");
            // A server that ignores `page` answers the first page again and again: a full page without one ticket not
            // seen before ends the read (a ticket created meanwhile shifts one row onto the next page, so some repeats are
            // normal). What was not read may be older than what was, hence the notice that holds the watermark.
            if (!AddsNewIds(tickets, ids) && page > 1)
            {
                yield return TicketFetch.ReadCutShort(
                    $"Freshservice answered page {page} of the ticket list with tickets of earlier pages only; the list was read up to page {page - 1}");
                break;
            }
            foreach (var t in tickets.EnumerateArray())
                window.Add((t, TimeOrNull(t, "updated_at")));
            if (tickets.GetArrayLength() < Options.PageSize) break;
        }
        foreach (var (ticket, updated) in window.OrderBy(w => w.Updated ?? DateTimeOffset.MinValue))
            yield return await ReadTicketAsync(Text(ticket, "id"), updated, () => ReadOneAsync(ticket, cancellationToken));
    }

    private async Task<TicketRecord> ReadOneAsync(JsonElement ticket, CancellationToken cancellationToken)
    {
        var id = RequiredText(ticket, "id");
        var updated = Time(RequiredText(ticket, "updated_at"));
        var rejected = new List<string>();
        var requesterId = Text(ticket, "requester_id");
        var requesterEmail = Optional(ticket, "requester") is { } requester ? Text(requester, "email") : null;
        var comments = new List<TicketComment>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var page = 1; ; page++)
        {
            var json = (await GetJsonAsync(
                $"/api/v2/tickets/{id}/conversations?page={page}&per_page={Options.PageSize}", cancellationToken))!.Value;
            var conversations = Required(json, "conversations");
            // The same guard as the ticket list's: a page of conversations already read ends this ticket's list.
            if (!AddsNewIds(conversations, seen) && page > 1)
            {
                RejectRecord(id, "conversations", rejected,
                    $"page {page} held only conversations of earlier pages; the list was read up to page {page - 1}");
                break;
            }
            foreach (var c in conversations.EnumerateArray())
            {
                // Replies are matched on user_id; "incoming" alone also covers forwarded mail from third parties.
                var fromRequester = Text(c, "user_id") is { } user && user == requesterId;
                if (ReadRecord(id, $"conversation {Text(c, "id")}", rejected, () => new TicketComment(
                        RequiredText(c, "id"), Text(c, "from_email"), !Flag(c, "private"), fromRequester,
                        Text(c, "body") ?? Text(c, "body_text") ?? "",
                        Text(c, "body") is null ? TicketBodyFormat.PlainText : TicketBodyFormat.Html,
                        Time(RequiredText(c, "created_at")))) is { } comment)
                    comments.Add(comment);
            }
            if (conversations.GetArrayLength() < Options.PageSize) break;
        }
        var reopens = await ReadRecordAsync<List<TicketReopen>>(
            id, "activities", rejected, async () => await ReopensAsync(id, rejected, cancellationToken)) ?? [];
        return new TicketRecord(id, requesterEmail, updated, reopens, SlaBreach(ticket, updated),
                await CsatAsync(id, rejected, cancellationToken), comments)
            { RejectedRecords = rejected };
    }

    /// <summary>
    /// The survey's acquired score on its own scale (e.g. 1–4) mapped to [-1, +1], dated when it was given
    /// (<c>created_at</c>); 404 means no answer. <c>overall_rating_text</c> is only the rating ("1/4", "Happy"): the
    /// person's words are the answers to the survey's further questions in <c>questionnaire_responses</c>.
    /// A response without <c>score</c> (Freshservice's own documented example has none: only <c>overall_rating</c>, a
    /// "feedback code" whose values it does not list, and the chosen option's label) cannot be placed on a scale: it is
    /// rejected alone, counted and logged with the ticket id, instead of being dropped without a word.
    /// </summary>
    private async Task<TicketSatisfaction?> CsatAsync(string id, List<string> rejected, CancellationToken cancellationToken)
    {
        if (await GetJsonAsync($"/api/v2/tickets/{id}/csat_response", cancellationToken, notFoundIsNull: true) is not { } json
            || Optional(json, "csat_response") is not { ValueKind: JsonValueKind.Object } response) return null;
        return ReadRecord(id, "CSAT response", rejected, () => Csat(response));
    }

    /// <summary>
    /// Adds the ids of a page's items to <paramref name="seen"/>: false for a page with items of which none is new, which is
    /// what a server that ignores <c>page</c> answers.
    /// </summary>
    private static bool AddsNewIds(JsonElement items, HashSet<string> seen)
    {
        var added = false;
        foreach (var item in items.EnumerateArray())
            if (Text(item, "id") is { } id && seen.Add(id)) added = true;
        return added || items.GetArrayLength() == 0;
    }

    private static TicketSatisfaction Csat(JsonElement response)
    {
        if (Optional(response, "score") is not { } score || Text(score, "acquired_score") is not { } acquiredText)
            throw new TicketPayloadException(
                $"CSAT response {Text(response, "id")} has no score.acquired_score; its rating '{Text(response, "overall_rating_text")}' " +
                $"(feedback code {Text(response, "overall_rating")}) is a label no documented scale places");
        if (!double.TryParse(acquiredText, NumberStyles.Float, CultureInfo.InvariantCulture, out var acquired))
            throw new TicketPayloadException($"CSAT score '{acquiredText}' is not a number");
        var total = Text(score, "total_score") is { } t ? double.Parse(t, CultureInfo.InvariantCulture) : 4;
        if (total <= 1 || acquired < 1 || acquired > total)
            throw new TicketPayloadException($"CSAT score {acquired}/{total} is out of range");
        return new TicketSatisfaction(2 * (acquired - 1) / (total - 1) - 1, Text(response, "id") ?? acquiredText,
            Time(RequiredText(response, "created_at")), Words(response));
    }

    /// <summary>
    /// The answers to the questions other than the rating question, one line each, prefixed by their question when there
    /// are several; null when the person wrote nothing. The rating question is <c>primary_question</c> when the response
    /// names it (Freshservice's documented example: it is then not among <c>questionnaire_responses</c>, whose answers are
    /// all kept); a response without it (as a live instance answered) lists the rating question first, and that is skipped.
    /// </summary>
    private static string? Words(JsonElement response)
    {
        if (Optional(response, "questionnaire_responses") is not { ValueKind: JsonValueKind.Array } responses) return null;
        var primary = Text(response, "primary_question")?.Trim() is { Length: > 0 } named ? named : null;
        var answers = responses.EnumerateArray()
            .Select(r => (Question: Optional(r, "question") is { } q ? Text(q, "question_text") : null,
                Answer: Optional(r, "answers") is { ValueKind: JsonValueKind.Array } a
                    ? string.Join(" ", a.EnumerateArray().Select(x => Text(x, "answer_text")?.Trim()).Where(x => !string.IsNullOrEmpty(x)))
                    : ""))
            .Skip(primary is null ? 1 : 0)
            .Where(r => r.Answer.Length > 0 && (primary is null || !string.Equals(r.Question?.Trim(), primary, StringComparison.Ordinal)))
            .ToList();
        return answers.Count switch
        {
            0 => null,
            1 => answers[0].Answer,
            _ => string.Join("\n", answers.Select(r => r.Question is { Length: > 0 } q ? $"{q}: {r.Answer}" : r.Answer)),
        };
    }

    private static DateTimeOffset Time(string text) => TicketTime.Strict(text, t => ParseTime(t));
}
