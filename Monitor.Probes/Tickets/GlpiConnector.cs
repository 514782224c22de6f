using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Monitor.Probes.Tickets;

/// <summary><c>Tickets:Glpi</c>: the API client's App-Token and the integration user's personal UserToken.</summary>
public sealed class GlpiOptions : TicketSystemOptions
{
    public string? AppToken { get; set; }

    public string? UserToken { get; set; }

    /// <summary>GLPI returns and compares dates in the server's time zone (an IANA or Windows id).</summary>
    public string TimeZone { get; set; } = "UTC";

    protected internal override int MaxPageSize => 1000;

    protected internal override IEnumerable<(string Key, string? Value)> Credentials =>
        [(nameof(AppToken), AppToken), (nameof(UserToken), UserToken)];
}

/// <summary>
/// GLPI's legacy REST API (<c>apirest.php</c>): <c>initSession</c> with the user token gives a Session-Token;
/// tickets come from <c>search/Ticket</c> with a "later than" criterion on date_mod (search option 19), sorted
/// by it and paged by range; per ticket the requester (<c>Ticket_User</c> type 1 and the user's
/// <c>UserEmail</c>), <c>ITILFollowup</c> (<c>is_private</c>), <c>ITILSolution</c> (refused ones are reopens) and
/// <c>TicketSatisfaction</c>.
/// </summary>
/// <remarks>
/// The SLA breach is option 82 ("Time to resolve exceeded") or 159 ("Time to own exceeded"), dated at the deadline that
/// passed (18 time_to_resolve, 155 time_to_own); satisfaction 0–5 maps linearly to [-1, +1].
/// </remarks>
public sealed class GlpiConnector(
    TicketSystem system,
    IHttpClientFactory httpClientFactory,
    GlpiOptions options,
    ILogger<GlpiConnector> logger)
    : TicketConnectorBase<GlpiOptions>(system, httpClientFactory, options, logger)
{
    private const int RequesterType = 1;
    private const string RefusedSolution = "4"; // CommonITILValidation::REFUSED
    private string? _session;

    private TimeZoneInfo Zone => TimeZoneInfo.TryFindSystemTimeZoneById(Options.TimeZone, out var zone) ? zone : TimeZoneInfo.Utc;

    protected override void Authenticate(HttpRequestMessage request)
    {
        request.Headers.Add("App-Token", Options.AppToken);
        if (_session is not null) request.Headers.Add("Session-Token", _session);
    }

    public override async IAsyncEnumerable<TicketFetch> FetchUpdatedSinceAsync(DateTimeOffset since,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        _session = null;
        var login = (await GetJsonAsync("/apirest.php/initSession", cancellationToken,
            configure: r => r.Headers.TryAddWithoutValidation("Authorization", $"user_token {Options.UserToken}")))!.Value;
        _session = RequiredText(login, "session_token");
        try
        {
            var from = Escape(TimeZoneInfo.ConvertTime(since, Zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
            var read = 0;
            for (var start = 0; ; )
            {
                var page = (await GetJsonAsync(
                    "/apirest.php/search/Ticket?criteria[0][field]=19&criteria[0][searchtype]=morethan" +
                    $"&criteria[0][value]={from}&forcedisplay[0]=2&forcedisplay[1]=19&forcedisplay[2]=82" +
                    "&forcedisplay[3]=18&forcedisplay[4]=155&forcedisplay[5]=159" +
                    $"&sort=19&order=ASC&range={start}-{start + Options.PageSize - 1}", cancellationToken))!.Value;
                var total = Text(page, "totalcount") is not { } t ? 0
                    : int.TryParse(t, CultureInfo.InvariantCulture, out var n) ? n
                    : throw new TicketPayloadException($"GLPI's totalcount '{t}' is not a number");
                var rows = Rows(page);
                if (rows.Count == 0 && read == 0 && total > 0)
                    throw new TicketPayloadException(
                        $"GLPI reports {total} tickets updated since {since:O} but its search answer holds none that can be read");
                foreach (var (id, row, updated) in rows)
                    yield return await ReadTicketAsync(id, updated, () => ReadOneAsync(id, row, cancellationToken));
                read += rows.Count;
                start += rows.Count;
                if (rows.Count == 0 || start >= total) yield break;
            }
        }
        finally
        {
            await KillSessionAsync();
        }
    }

    /// <summary>
    /// The page's rows in update order. <c>data</c> is an array of rows, or, as apirest.md ("Search items") documents
    /// it, an object keyed by item id, whose order JSON does not keep: those rows are sorted on date_mod here.
    /// </summary>
    private List<(string? Id, JsonElement Row, DateTimeOffset? Updated)> Rows(JsonElement page)
    {
        List<(string? Id, JsonElement Row)> rows = Optional(page, "data") switch
        {
            { ValueKind: JsonValueKind.Array } array => [.. array.EnumerateArray().Select(r => (Text(r, "2"), r))],
            { ValueKind: JsonValueKind.Object } keyed =>
                [.. keyed.EnumerateObject().Select(p => ((string?)(Text(p.Value, "2") ?? p.Name), p.Value))],
            _ => [],
        };
        return rows.Select(r => (r.Id, r.Row, Updated: TimeOrNull(r.Row, "19", Zone)))
            .OrderBy(r => r.Updated ?? DateTimeOffset.MinValue).ToList();
    }

    private async Task<TicketRecord> ReadOneAsync(string? rowId, JsonElement row, CancellationToken cancellationToken)
    {
        var id = rowId is { Length: > 0 } ? rowId : throw new TicketPayloadException("missing field '2' (the ticket id)");
        var updated = Time(RequiredText(row, "19"));
        var rejected = new List<string>();
        var requester = (await ListAsync($"/apirest.php/Ticket/{id}/Ticket_User", cancellationToken))
            .FirstOrDefault(l => Text(l, "type") == RequesterType.ToString(CultureInfo.InvariantCulture));
        var requesterId = requester.ValueKind == JsonValueKind.Object ? Text(requester, "users_id") : null;
        string? email = null;
        if (requesterId is { } userId && userId != "0")
        {
            var emails = await ListAsync($"/apirest.php/User/{userId}/UserEmail", cancellationToken);
            email = emails.Where(e => Flag(e, "is_default")).Concat(emails).Select(e => Text(e, "email"))
                .FirstOrDefault(e => e is not null);
        }
        else if (requester.ValueKind == JsonValueKind.Object)
            email = Text(requester, "alternative_email"); // an anonymous requester known only by e-mail
        var comments = new List<TicketComment>();
        foreach (var f in await ListAsync($"/apirest.php/Ticket/{id}/ITILFollowup", cancellationToken))
        {
            // GLPI stores rich text HTML-encoded ("&lt;p&gt;…").
            if (ReadRecord(id, $"follow-up {Text(f, "id")}", rejected, () => new TicketComment(
                    RequiredText(f, "id"), null, !Flag(f, "is_private"),
                    requesterId is not null && requesterId != "0" && Text(f, "users_id") == requesterId,
                    WebUtility.HtmlDecode(Text(f, "content") ?? ""), TicketBodyFormat.Html,
                    Time(Text(f, "date_creation") ?? RequiredText(f, "date")))) is { } comment)
                comments.Add(comment);
        }
        TicketSatisfaction? csat = null;
        var survey = (await ListAsync($"/apirest.php/Ticket/{id}/TicketSatisfaction", cancellationToken))
            .FirstOrDefault(s => Text(s, "satisfaction") is not null);
        if (survey.ValueKind == JsonValueKind.Object)
            csat = ReadRecord(id, "satisfaction", rejected, () => Satisfaction(survey));
        var reopens = new List<TicketReopen>();
        foreach (var solution in await ListAsync($"/apirest.php/Ticket/{id}/ITILSolution", cancellationToken))
        {
            // Reopening a solved or closed ticket marks its last solution refused, dated date_approval
            // (CommonITILObject's "Look for reopening"): one refused solution is one reopen, when it happened.
            if (Text(solution, "status") == RefusedSolution
                && ReadRecord(id, $"solution {Text(solution, "id")}", rejected,
                    () => new TicketReopen(RequiredText(solution, "id"), Time(RequiredText(solution, "date_approval")))) is { } reopen)
                reopens.Add(reopen);
        }
        var breach = SlaBreach(row, updated);
        return new TicketRecord(id, email, updated, reopens, breach, csat, comments) { RejectedRecords = rejected };
    }

    /// <summary>
    /// The earlier deadline that passed: an exceeded time to resolve (82) happened at time_to_resolve (18), an exceeded
    /// time to own (159) at time_to_own (155). No later than the update; without a readable deadline, the update.
    /// </summary>
    private TicketSlaBreach? SlaBreach(JsonElement row, DateTimeOffset updated)
    {
        var deadlines = new List<DateTimeOffset>();
        if (Flag(row, "82")) deadlines.Add(TimeOrNull(row, "18", Zone) ?? updated);
        if (Flag(row, "159")) deadlines.Add(TimeOrNull(row, "155", Zone) ?? updated);
        return deadlines.Count == 0 ? null : new TicketSlaBreach(deadlines.Select(d => d <= updated ? d : updated).Min());
    }

    /// <summary>
    /// Dated when it was answered: the survey's answer, not the ticket's last update, is the moment. The scale is the
    /// entity's "Max rate" (<c>inquest_max_rate</c>, 1-10, default 5, since GLPI 10): GLPI stores the answer on that scale in
    /// <c>satisfaction</c> and the same answer on 0-5 in <c>satisfaction_scaled_to_5</c>, which is read when present (an
    /// 8 of 10 is a 4 of 5, not out of range); older versions have only <c>satisfaction</c>, on 0-5.
    /// </summary>
    private TicketSatisfaction Satisfaction(JsonElement survey)
    {
        var value = double.Parse(Text(survey, "satisfaction_scaled_to_5") ?? RequiredText(survey, "satisfaction"),
            CultureInfo.InvariantCulture);
        if (value is < 0 or > 5) throw new TicketPayloadException($"satisfaction {value} is outside 0-5");
        return new TicketSatisfaction(value / 2.5 - 1, RequiredText(survey, "satisfaction"), Time(RequiredText(survey, "date_answered")),
            Text(survey, "comment") is { Length: > 0 } comment ? comment : null);
    }

    private DateTimeOffset Time(string text) => TicketTime.Strict(text, t => ParseTime(t, Zone));

    /// <summary>
    /// A sub-item list, all of it: GLPI answers <c>range</c> rows at a time (default 0-50, apirest.md "Get sub items") with
    /// <c>Content-Range: offset-limit/count</c>, so the list is asked for by <c>range</c> until <c>count</c> rows are read. An
    /// answer without Content-Range is taken as the whole list (asking beyond the total is GLPI's 400
    /// ERROR_RANGE_EXCEED_TOTAL). An empty list may come back as [] or as 404 depending on the GLPI version.
    /// </summary>
    private async Task<List<JsonElement>> ListAsync(string path, CancellationToken cancellationToken)
    {
        var items = new List<JsonElement>();
        while (true)
        {
            var pathAndQuery = $"{path}?range={items.Count}-{items.Count + Options.PageSize - 1}";
            using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, Url(pathAndQuery)), cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound) return items;
            if (await ReadJsonAsync(response, pathAndQuery, cancellationToken) is not { ValueKind: JsonValueKind.Array } page)
                return items;
            var read = page.GetArrayLength();
            items.AddRange(page.EnumerateArray());
            if (read == 0 || RangeCount(response) is not { } count || items.Count >= count) return items;
        }
    }

    /// <summary>The <c>count</c> of GLPI's <c>Content-Range: offset-limit/count</c> (no unit, so read unvalidated).</summary>
    private static int? RangeCount(HttpResponseMessage response) =>
        response.Content.Headers.NonValidated.TryGetValues("Content-Range", out var values)
        && values.FirstOrDefault() is { } range && range.LastIndexOf('/') is var slash and >= 0
        && int.TryParse(range.AsSpan(slash + 1).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            ? count
            : null;

    private async Task KillSessionAsync()
    {
        if (_session is null) return;
        try
        {
            using var _ = await SendAsync(
                () => new HttpRequestMessage(HttpMethod.Get, Url("/apirest.php/killSession")), CancellationToken.None);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or Polly.Timeout.TimeoutRejectedException)
        {
            Logger.LogDebug(e, "GLPI killSession failed; the session expires on its own");
        }
        _session = null;
    }
}
