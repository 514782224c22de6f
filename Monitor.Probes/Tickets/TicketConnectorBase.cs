using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Monitor.Core;
using Polly;

namespace Monitor.Probes.Tickets;

/// <summary>
/// What every connector shares: the named HttpClient, the resilience pipeline (built once), credentials
/// failures turned into <see cref="TicketAuthenticationException"/> naming the configuration keys, and JSON
/// reading that turns a malformed response into <see cref="TicketPayloadException"/>.
/// </summary>
public abstract partial class TicketConnectorBase<TOptions> : ITicketConnector
    where TOptions : TicketSystemOptions
{
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private long _notBeforeTicks;

    protected TicketConnectorBase(TicketSystem system, IHttpClientFactory httpClientFactory, TOptions options, ILogger logger)
    {
        SystemInfo = system;
        _httpClientFactory = httpClientFactory;
        Options = options;
        Logger = logger;
        _pipeline = TicketResilience.Build(options);
    }

    public string System => SystemInfo.Key;

    protected TicketSystem SystemInfo { get; }

    protected TOptions Options { get; }

    protected ILogger Logger { get; }

    public abstract IAsyncEnumerable<TicketFetch> FetchUpdatedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>Adds the system's credentials to each attempt's request.</summary>
    protected abstract void Authenticate(HttpRequestMessage request);

    protected Uri Url(string pathAndQuery) => new(Options.BaseUrl.TrimEnd('/') + pathAndQuery);

    /// <summary>
    /// How long the system's own headers say to wait before the next request, because the answer just read spent its
    /// request budget (e.g. a remaining count of 0 with the window's reset); null when they say nothing. Honoured before the
    /// next request, capped at <c>MaxRetryAfter</c>, so that the request is not sent only to be answered 429.
    /// </summary>
    protected virtual TimeSpan? BudgetSpent(HttpResponseMessage response) => null;

    /// <summary>Sends through the pipeline; throws on 401/403, returns any other final response.</summary>
    protected async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> createRequest, CancellationToken cancellationToken)
    {
        var client = _httpClientFactory.CreateClient(SystemInfo.HttpClientName);
        var pause = new DateTimeOffset(Interlocked.Read(ref _notBeforeTicks), TimeSpan.Zero) - DateTimeOffset.UtcNow;
        if (pause > TimeSpan.Zero) await Task.Delay(pause, cancellationToken);
        var response = await _pipeline.ExecuteAsync(async token =>
        {
            using var request = createRequest();
            Authenticate(request);
            return await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, token);
        }, cancellationToken);
        if (BudgetSpent(response) is { } wait && wait > TimeSpan.Zero)
        {
            wait = wait > Options.MaxRetryAfter ? Options.MaxRetryAfter : wait;
            Logger.LogInformation("{System}: the request budget is spent; the next request waits {Seconds} s for its reset",
                SystemInfo.Key, Math.Ceiling(wait.TotalSeconds));
            var until = (DateTimeOffset.UtcNow + wait).UtcTicks;
            for (var seen = Interlocked.Read(ref _notBeforeTicks); seen < until;)
            {
                var was = Interlocked.CompareExchange(ref _notBeforeTicks, until, seen);
                if (was == seen) break;
                seen = was;
            }
        }
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            var keys = string.Join(" and ", Options.Credentials.Select(c => $"{SystemInfo.SectionPath}:{c.Key}"));
            throw new TicketAuthenticationException(
                $"{SystemInfo.DisplayName} refused the credentials (HTTP {status}); check {keys}");
        }
        return response;
    }

    /// <summary>GETs and parses JSON; <paramref name="notFoundIsNull"/> turns a 404 into null (e.g. no feedback yet).</summary>
    protected async Task<JsonElement?> GetJsonAsync(string pathAndQuery, CancellationToken cancellationToken,
        bool notFoundIsNull = false, Action<HttpRequestMessage>? configure = null)
    {
        using var response = await SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, Url(pathAndQuery));
            configure?.Invoke(request);
            return request;
        }, cancellationToken);
        if (notFoundIsNull && response.StatusCode == HttpStatusCode.NotFound) return null;
        return await ReadJsonAsync(response, pathAndQuery, cancellationToken);
    }

    protected async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException(
                $"{SystemInfo.DisplayName} answered HTTP {(int)response.StatusCode} to {StripQuery(what)}", null, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        try
        {
            using var document = JsonDocument.Parse(bytes);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new TicketPayloadException($"{SystemInfo.DisplayName} returned malformed JSON from {StripQuery(what)}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Reads one ticket; a malformed payload (bad JSON, missing or mistyped fields) becomes a rejection so that
    /// the rest of the run goes on. Network and credential failures still throw.
    /// </summary>
    protected async Task<TicketFetch> ReadTicketAsync(string? ticketId, DateTimeOffset? updatedAt, Func<Task<TicketRecord>> read)
    {
        try
        {
            return TicketFetch.Of(await read());
        }
        catch (Exception e) when (e is TicketPayloadException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            Logger.LogWarning("{System} ticket {TicketId} skipped: {Reason}", SystemInfo.Key, LogSafe.Value(ticketId),
                LogSafe.Value(e.Message));
            return TicketFetch.Rejected(ticketId, updatedAt, e.Message);
        }
    }

    /// <summary>
    /// Reads one record of a ticket (a comment, the rating, an SLA cycle, a reopen): a malformed one is logged once
    /// with the ticket id, its reason added to <paramref name="rejected"/> (for <see cref="TicketRecord.RejectedRecords"/>)
    /// and null returned, so that the ticket's other records and the run go on. Network and credential failures throw.
    /// </summary>
    protected T? ReadRecord<T>(string ticketId, string what, List<string> rejected, Func<T?> read) where T : class
    {
        try
        {
            return read();
        }
        catch (Exception e) when (IsMalformed(e))
        {
            return RejectRecord<T>(ticketId, what, rejected, e);
        }
    }

    /// <inheritdoc cref="ReadRecord{T}"/>
    protected async Task<T?> ReadRecordAsync<T>(string ticketId, string what, List<string> rejected, Func<Task<T?>> read)
        where T : class
    {
        try
        {
            return await read();
        }
        catch (Exception e) when (IsMalformed(e))
        {
            return RejectRecord<T>(ticketId, what, rejected, e);
        }
    }

    private T? RejectRecord<T>(string ticketId, string what, List<string> rejected, Exception e) where T : class
    {
        RejectRecord(ticketId, what, rejected, e.Message);
        return null;
    }

    /// <summary>Rejects one record of a ticket the way <see cref="ReadRecord{T}"/> does: logged once with the ticket id, added to <paramref name="rejected"/>.</summary>
    protected void RejectRecord(string ticketId, string what, List<string> rejected, string reason)
    {
        Logger.LogWarning("{System} ticket {TicketId}: {Record} skipped: {Reason}", SystemInfo.Key, LogSafe.Value(ticketId), what,
            LogSafe.Value(reason));
        rejected.Add($"{what}: {reason}");
    }

    private static bool IsMalformed(Exception e) =>
        e is TicketPayloadException or InvalidOperationException or KeyNotFoundException or FormatException;

    private static string StripQuery(string pathAndQuery) => pathAndQuery.Split('?')[0];

    // ---- JSON and time helpers shared by the connectors ----

    /// <summary>A required property; a missing or null one is a malformed record.</summary>
    protected static JsonElement Required(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : throw new TicketPayloadException($"missing field '{name}'");

    /// <summary>A string or number property as text, or null when absent.</summary>
    protected static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
                _ => null,
            }
            : null;

    protected static string RequiredText(JsonElement element, string name) =>
        Text(element, name) is { Length: > 0 } text ? text : throw new TicketPayloadException($"missing field '{name}'");

    protected static JsonElement? Optional(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : null;

    /// <summary>Truthy the way these APIs write booleans: true, "true", 1, "1".</summary>
    protected static bool Flag(JsonElement element, string name) => Text(element, name) is "true" or "1";

    /// <summary>
    /// Parses the systems' timestamp styles to UTC: ISO 8601 with an offset, Jira's <c>+0000</c> offsets, and
    /// zone-less <c>yyyy-MM-dd HH:mm:ss</c>, which is read in <paramref name="zone"/> (UTC by default).
    /// </summary>
    protected static DateTimeOffset ParseTime(string text, TimeZoneInfo? zone = null)
    {
        var normalised = JiraOffset().Replace(text.Trim(), "$1:$2");
        if (HasOffset().IsMatch(normalised)
            && DateTimeOffset.TryParse(normalised, CultureInfo.InvariantCulture, DateTimeStyles.None, out var withOffset))
            return withOffset.ToUniversalTime();
        if (DateTime.TryParse(normalised, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
            var offset = (zone ?? TimeZoneInfo.Utc).GetUtcOffset(unspecified);
            return new DateTimeOffset(unspecified, offset).ToUniversalTime();
        }
        throw new FormatException($"'{text}' is not a timestamp");
    }

    /// <summary>
    /// A time for ordering and the watermark before the ticket is read: null when absent or not a timestamp, so that
    /// the malformed ticket is rejected by <see cref="ReadTicketAsync"/> instead of aborting the run.
    /// </summary>
    protected static DateTimeOffset? TimeOrNull(JsonElement element, string name, TimeZoneInfo? zone = null)
    {
        try
        {
            return Text(element, name) is { Length: > 0 } text ? ParseTime(text, zone) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    protected static DateTimeOffset RequiredTime(JsonElement element, string name, TimeZoneInfo? zone = null) =>
        ParseTime(RequiredText(element, name), zone);

    [GeneratedRegex(@"([+-]\d{2})(\d{2})$")]
    private static partial Regex JiraOffset();

    [GeneratedRegex(@"(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex HasOffset();

    protected static string Escape(string value) => Uri.EscapeDataString(value);
}
