using System.Text.Json;
using Microsoft.Extensions.Logging;
using Monitor.Core;

namespace Monitor.Probes.Tickets;

/// <summary>
/// Zendesk's CSAT survey (the successor of the legacy Satisfaction Ratings): the survey responses of a page of tickets,
/// per developer.zendesk.com/api-reference/ticketing/ticket-management/csat_survey_responses ("List Survey Responses").
/// </summary>
public sealed partial class ZendeskConnector
{
    private const string SurveyResponses = "/api/v2/guide/survey_responses";
    private const string TicketZrn = "zen:ticket:";

    // Cursor pagination as developer.zendesk.com "Pagination" documents it: page[size] (at most 100 on most endpoints),
    // then page[after]=meta.after_cursor while meta.has_more.
    private const int SurveyPageSize = 100;

    /// <summary>Per run: cleared on the first 403/404, as an account runs either the legacy CSAT or the survey.</summary>
    private sealed class SurveyState
    {
        public bool Enabled { get; set; } = true;
    }

    /// <summary>
    /// GET /api/v2/guide/survey_responses?filter[subject_zrns]=zen:ticket:1,zen:ticket:2&amp;page[size]=100, then
    /// page[after]=meta.after_cursor while meta.has_more; the responses by ticket id (from <c>subjects[]</c> of type
    /// ticket, or <c>subject_zrns</c>), only for the tickets asked about. A 404 (the survey is not switched on) or a refusal
    /// (the list is for admins) is not a failure: the run goes on with the legacy rating and stops asking.
    /// </summary>
    private async Task<Dictionary<string, List<JsonElement>>> SurveyResponsesAsync(IEnumerable<string> ticketIds,
        SurveyState state, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, List<JsonElement>>();
        foreach (var ids in ticketIds.Distinct().Chunk(SurveyPageSize))
        {
            var zrns = Escape(string.Join(",", ids.Select(id => TicketZrn + id)));
            var asked = ids.ToHashSet();
            for (var next = $"{SurveyResponses}?filter[subject_zrns]={zrns}&page[size]={SurveyPageSize}"; state.Enabled;)
            {
                if (await SurveyPageAsync(next, state, cancellationToken) is not { } page) return found;
                if (Optional(page, "survey_responses") is { ValueKind: JsonValueKind.Array } responses)
                    foreach (var response in responses.EnumerateArray())
                        foreach (var ticket in SurveyTickets(response).Where(asked.Contains).Distinct())
                            (found.TryGetValue(ticket, out var list) ? list : found[ticket] = []).Add(response);
                var meta = Optional(page, "meta");
                if (meta is not { } m || Optional(m, "has_more")?.ValueKind != JsonValueKind.True
                    || Text(m, "after_cursor") is not { Length: > 0 } cursor) break;
                var following = $"{SurveyResponses}?filter[subject_zrns]={zrns}&page[size]={SurveyPageSize}&page[after]={Escape(cursor)}";
                // A cursor that does not move would page forever.
                if (following == next) break;
                next = following;
            }
        }
        return found;
    }

    private async Task<JsonElement?> SurveyPageAsync(string pathAndQuery, SurveyState state, CancellationToken cancellationToken)
    {
        try
        {
            if (await GetJsonAsync(pathAndQuery, cancellationToken, notFoundIsNull: true) is { } page) return page;
            Logger.LogInformation("zendesk: no CSAT survey responses (404); the account runs the legacy satisfaction ratings");
        }
        catch (TicketAuthenticationException e)
        {
            Logger.LogWarning("zendesk: CSAT survey responses not read ({Reason}); the list needs an admin's token",
                LogSafe.Value(e.Message));
        }
        state.Enabled = false;
        return null;
    }

    /// <summary>
    /// The ticket ids a response is about (<c>subjects</c> and <c>subject_zrns</c> name the same ones, so the caller takes each
    /// once); filtering is not trusted, the caller keeps only the ids it asked for.
    /// </summary>
    private static IEnumerable<string> SurveyTickets(JsonElement response)
    {
        if (Optional(response, "subjects") is { ValueKind: JsonValueKind.Array } subjects)
            foreach (var subject in subjects.EnumerateArray())
                if (Text(subject, "type") == "ticket" && Text(subject, "id") is { } id) yield return id;
        if (Optional(response, "subject_zrns") is { ValueKind: JsonValueKind.Array } zrns)
            foreach (var zrn in zrns.EnumerateArray())
                if (zrn.ValueKind == JsonValueKind.String && zrn.GetString() is { } z && z.StartsWith(TicketZrn, StringComparison.Ordinal))
                    yield return z[TicketZrn.Length..];
    }

    /// <summary>
    /// One survey response as a CSAT: the <c>rating_scale</c> answer whose question's <c>sub_type</c> is
    /// <c>customer_satisfaction</c> (null when skipped or absent: nothing was said), keyed by the response id, dated by the
    /// answer's <c>updated_at</c>, with the <c>open_ended</c> answers' words as the comment. Malformed throws.
    /// </summary>
    private static TicketSatisfaction? SurveyRating(JsonElement response)
    {
        var id = RequiredText(response, "id");
        var answers = Required(response, "answers");
        if (answers.ValueKind != JsonValueKind.Array) throw new TicketPayloadException("'answers' is not a list");
        JsonElement? rating = null;
        var words = new List<string>();
        foreach (var answer in answers.EnumerateArray())
        {
            var type = Text(answer, "type");
            if (type == "rating_scale" && Optional(answer, "question") is { } q && Text(q, "sub_type") == "customer_satisfaction")
                rating = answer;
            else if (type == "open_ended" && Text(answer, "value") is { } value && value.Trim().Length > 0)
                words.Add(value.Trim());
        }
        if (rating is not { } r) return null;
        return new TicketSatisfaction(SurveyScore(r), id, RequiredTime(r, "updated_at"), words.Count > 0 ? string.Join("\n", words) : null);
    }

    /// <summary>
    /// The rating on the legacy path's -1..+1: linearly from the lowest to the highest option when the question lists its
    /// options (1 of 1..5 is -1, 3 is 0, 5 is +1); otherwise by Zendesk's own <c>rating_category</c>, bad -1, neutral 0,
    /// good +1, the legacy bad/good exactly.
    /// </summary>
    internal static double SurveyScore(JsonElement answer)
    {
        if (Required(answer, "rating") is not { ValueKind: JsonValueKind.Number } value || !value.TryGetInt32(out var rating))
            throw new FormatException("'rating' is not a whole number");
        var options = Optional(Required(answer, "question"), "options") is { ValueKind: JsonValueKind.Array } list
            ? list.EnumerateArray().Select(o => Optional(o, "rating")).OfType<JsonElement>()
                .Where(o => o.ValueKind == JsonValueKind.Number && o.TryGetInt32(out _)).Select(o => o.GetInt32()).ToList()
            : [];
        if (options.Count >= 2 && options.Min() < options.Max())
        {
            if (rating < options.Min() || rating > options.Max()) throw new FormatException($"rating {rating} is outside the scale");
            return 2.0 * (rating - options.Min()) / (options.Max() - options.Min()) - 1;
        }
        return Text(answer, "rating_category") switch
        {
            "bad" => -1.0,
            "neutral" => 0.0,
            "good" => 1.0,
            var other => throw new TicketPayloadException($"unknown rating_category '{other}'"),
        };
    }
}
