using System.Text.Json;
using Monitor.Worker.StaffConsole;

namespace Monitor.Worker.Endpoints;

/// <summary>
/// The character U+0000 (NUL) in what a caller sends to the admin API or the console (a path, a query parameter, a form
/// field, a string of a JSON body: a visit's notes, an action's or an incident's title, an acknowledgement's comment, a
/// search) is refused with 400 before any handler runs, on either store: PostgreSQL's text cannot hold it and refused
/// it (SQLSTATE 22021), while SQLite stored it. The one exception is <c>POST /api/signals</c>, where each signal is checked
/// on its own (<see cref="Monitor.Core.Signals.Signal.Validate"/>) and a NUL rejects that signal, not the batch.
/// </summary>
public static class NulInput
{
    /// <summary>After the admin key and the form-error handler (a form nobody can read stays their 400).</summary>
    public static IApplicationBuilder UseNulInputRefusal(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(NulInput));
        return app.UseWhen(c => c.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) ||
                                c.Request.Path.StartsWithSegments("/console", StringComparison.OrdinalIgnoreCase),
            branch => branch.Use(async (context, next) =>
            {
                if (await FindAsync(context.Request, context.RequestAborted) is not { } where)
                {
                    await next(context);
                    return;
                }
                // Where, never the value (nor the path: it may name a person).
                logger.LogWarning("Request refused: {Where} holds U+0000 (NUL), route {Route}", where,
                    (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText);
                var detail = $"Nothing was saved: {where} holds the character U+0000 (NUL), which the monitor does not store.";
                var result = context.Request.Path.StartsWithSegments("/console", StringComparison.OrdinalIgnoreCase) &&
                             Storage.StoreOutageMiddleware.WantsHtml(context.Request)
                    ? ConsolePages.Message(StatusCodes.Status400BadRequest, "Not saved", detail + " Remove it and send the form again.",
                        context.Request.PathBase + "/console/", "Back")
                    : Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "A value holds U+0000 (NUL)", detail: detail);
                await result.ExecuteAsync(context);
            }));
    }

    /// <summary>Where the request holds a NUL ("the path", "query parameter 'q'", ...), or null.</summary>
    internal static async Task<string?> FindAsync(HttpRequest request, CancellationToken ct)
    {
        if (Holds(request.Path.Value)) return "the path";
        foreach (var (key, values) in request.Query)
            if (Holds(key) || values.Any(Holds)) return $"query parameter '{Name(key)}'";
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            foreach (var (key, values) in form)
                if (Holds(key) || values.Any(Holds)) return $"form field '{Name(key)}'";
        }
        else if (request.HasJsonContentType() && !IsBulkSignals(request.Path))
        {
            request.EnableBuffering();
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body, ct);
            request.Body.Position = 0;
            return JsonHolds(body.GetBuffer().AsSpan(0, (int)body.Length)) is { } member ? $"JSON member '{Name(member)}'" : null;
        }
        return null;
    }

    private static bool IsBulkSignals(PathString path) =>
        path.Equals("/api/signals", StringComparison.OrdinalIgnoreCase) || path.Equals("/api/signals/", StringComparison.OrdinalIgnoreCase);

    // The first JSON string (a value, or a member's name) that decodes to a NUL, named by its member; a body that is not JSON
    // is left to the endpoint, which answers it as before.
    private static string? JsonHolds(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        var member = "";
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName) member = reader.GetString()!;
                // Only an escape (\u0000) makes a NUL: JSON refuses the raw character.
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped &&
                    Holds(reader.GetString()))
                    return member;
            }
        }
        catch (JsonException)
        {
        }
        return null;
    }

    private static bool Holds(string? s) => s?.Contains('\0') == true;

    // A name the caller chose, cut short and without the NUL or other control characters, for the answer and the log.
    private static string Name(string name)
    {
        var clean = new string(name.Where(c => !char.IsControl(c)).Take(40).ToArray());
        return clean.Length == 0 ? "?" : clean;
    }
}
