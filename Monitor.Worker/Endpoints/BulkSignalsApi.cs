using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Monitor.Core.Signals;
using Monitor.Worker.Exporter;
using Monitor.Worker.Privacy;
using Monitor.Worker.Storage;

namespace Monitor.Worker.Endpoints;

/// <summary>
/// <c>POST /api/signals</c>: many signals in one request, for integrations that push many (docs/operations.md).
/// A JSON array (<c>application/json</c>) or one object per line (<c>application/x-ndjson</c>); each item is
/// accepted or rejected on its own, and the answer lists every item's outcome in order. All accepted items are
/// written in one transaction. Bounded: at most <see cref="MaxItems"/> items and <see cref="MaxBytes"/> bytes.
/// </summary>
public static class BulkSignalsApi
{
    public const int MaxItems = 5_000;
    public const long MaxBytes = 4L * 1024 * 1024;

    public static IEndpointRouteBuilder MapBulkSignals(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/signals", PostAsync).OnListener(Listener.Internal).NoIndividual(); // outcomes of what was sent
        return app;
    }

    private static async Task<IResult> PostAsync(HttpContext http, UserRepository users, SignalRepository signals, TimeProvider time,
        IOptions<AdminOptions> admin, CancellationToken ct)
    {
        var type = http.Request.ContentType ?? "";
        var ndjson = type.StartsWith("application/x-ndjson", StringComparison.OrdinalIgnoreCase) ||
                     type.StartsWith("application/jsonl", StringComparison.OrdinalIgnoreCase);
        if (!ndjson && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return Problem(415, "Send a JSON array (application/json) or one JSON object per line (application/x-ndjson).");
        if (http.Request.ContentLength > MaxBytes) return TooLarge();
        byte[] body;
        try
        {
            body = await ReadBoundedAsync(http.Request.Body, ct);
        }
        catch (InvalidDataException)
        {
            return TooLarge();
        }

        // A file saved by a Windows tool starts with a UTF-8 byte order mark; the single-signal API reads past it too.
        var json = body.AsMemory();
        if (json.Span.StartsWith(Encoding.UTF8.Preamble)) json = json[Encoding.UTF8.Preamble.Length..];
        List<JsonElement?> items;
        if (ndjson)
        {
            items = Lines(json);
        }
        else
        {
            try
            {
                using var document = JsonDocument.Parse(json);
                if (document.RootElement.ValueKind != JsonValueKind.Array) return Problem(400, "The body must be a JSON array of signals.");
                items = document.RootElement.EnumerateArray().Select(e => (JsonElement?)e.Clone()).ToList();
            }
            catch (JsonException e)
            {
                return Problem(400, $"The body is not JSON: {e.Message}");
            }
        }
        if (items.Count > MaxItems) return Problem(413, $"At most {MaxItems} signals per request; {items.Count} were sent.");

        var outcomes = new Outcome[items.Count];
        var parsed = new (int Index, Signal Signal)[items.Count];
        var n = 0;
        var now = time.GetUtcNow();
        for (var i = 0; i < items.Count; i++)
        {
            if (Parse(items[i], now, admin.Value, out var problem) is { } signal) parsed[n++] = (i, signal);
            else outcomes[i] = Outcome.Rejected(i, problem!);
        }
        var ids = parsed.Take(n).Select(p => p.Signal.UserId).Distinct(StringComparer.Ordinal).ToList();
        var known = (await users.InDirectoryAsync(ids, ct)).ToHashSet(StringComparer.Ordinal);
        var accepted = new List<(int Index, Signal Signal)>(n);
        foreach (var p in parsed.Take(n))
        {
            if (known.Contains(p.Signal.UserId)) accepted.Add(p);
            else outcomes[p.Index] = Outcome.Rejected(p.Index, $"No user '{p.Signal.UserId}' in the directory.");
        }
        var stored = await signals.WriteManyAsync(accepted.Select(a => a.Signal).ToList(), ct);
        for (var k = 0; k < accepted.Count; k++)
        {
            outcomes[accepted[k].Index] = new Outcome(accepted[k].Index, stored[k] ? "stored" : "duplicate", null);
        }

        var rejected = outcomes.Count(o => o.Result == "rejected");
        if (rejected > 0) MonitorMetrics.SignalsRejected.WithLabels("invalid").Inc(rejected);
        return Results.Ok(new
        {
            stored = outcomes.Count(o => o.Result == "stored"),
            duplicates = outcomes.Count(o => o.Result == "duplicate"),
            rejected,
            items = outcomes,
        });
    }

    private static Signal? Parse(JsonElement? item, DateTimeOffset now, AdminOptions admin, out string? problem)
    {
        problem = null;
        if (item is not { ValueKind: JsonValueKind.Object } e)
        {
            problem = item is null ? "not JSON" : "not a JSON object";
            return null;
        }
        BulkSignal? body;
        try
        {
            body = e.Deserialize<BulkSignal>(Json.Options);
        }
        catch (JsonException x)
        {
            problem = $"not a signal: {AdminInput.JsonProblem(x)}";
            return null;
        }
        if (string.IsNullOrWhiteSpace(body?.UserId)) problem = "userId is required.";
        else if (body.Score is null) problem = "score is required, in [-1, +1].";
        else problem = AdminInput.ObservedAtProblem(body.ObservedAt, now, admin);
        if (problem is not null) return null;
        var signal = new Signal(body!.UserId!, body.Kind ?? SignalKinds.Touchpoint, body.Score!.Value, body.Weight ?? 1.0,
            body.ObservedAt ?? now, body.Source ?? $"api:{Guid.CreateVersion7():N}", body.Comment);
        problem = signal.Validate();
        return problem is null ? signal : null;
    }

    // One item per non-blank line; a line that is not JSON is an item of its own (null), rejected with its position.
    // Lines are parsed as bytes, not decoded first: invalid UTF-8 is then refused with its item as in a JSON array,
    // instead of being stored as replacement characters.
    private static List<JsonElement?> Lines(ReadOnlyMemory<byte> body)
    {
        var items = new List<JsonElement?>();
        while (!body.IsEmpty)
        {
            var end = body.Span.IndexOf((byte)'\n');
            var line = end < 0 ? body : body[..end];
            body = end < 0 ? ReadOnlyMemory<byte>.Empty : body[(end + 1)..];
            if (line.Span.Trim(" \t\r\f\v"u8).IsEmpty) continue;
            try
            {
                using var d = JsonDocument.Parse(line);
                items.Add(d.RootElement.Clone());
            }
            catch (JsonException)
            {
                items.Add(null);
            }
        }
        return items;
    }

    // Content-Length may be absent (chunked): the cap holds as the body is read, not after.
    private static async Task<byte[]> ReadBoundedAsync(Stream body, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBytes) throw new InvalidDataException("body too large");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static IResult TooLarge() =>
        Problem(413, $"The body is larger than {MaxBytes / 1024 / 1024} MiB: send fewer signals per request.");

    private static IResult Problem(int status, string detail) => Results.Problem(detail: detail, statusCode: status);

    private sealed record BulkSignal(string? UserId, string? Kind, double? Score, double? Weight, string? Comment, string? Source,
        DateTimeOffset? ObservedAt);

    /// <summary>One item's outcome: stored, duplicate (already there, or earlier in the request) or rejected with why.</summary>
    private sealed record Outcome(int Index, string Result, string? Error)
    {
        public static Outcome Rejected(int index, string error) => new(index, "rejected", error);
    }
}
