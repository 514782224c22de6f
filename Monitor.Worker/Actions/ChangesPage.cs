using System.Text;
using System.Text.Encodings.Web;
using Monitor.Worker.Endpoints;

namespace Monitor.Worker.Actions;

/// <summary>
/// <c>/changes</c> on the public listener: what IT changed because of feedback. Titles, descriptions and dates of
/// shipped actions only: no names, no comments, nothing about who asked.
/// </summary>
public static class ChangesPage
{
    private static readonly HtmlEncoder E = HtmlEncoder.Default;

    public static IEndpointRouteBuilder MapChangesPage(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/changes", [HttpMethods.Get, HttpMethods.Head], async (ActionRepository store, CancellationToken ct) =>
        {
            var b = new StringBuilder("<h1>You said, we did</h1><p>What IT changed because of what you told us.</p>");
            var shipped = await store.ListAsync(true, 200, ct);
            if (shipped.Count == 0) b.Append("<p>Nothing shipped yet.</p>");
            foreach (var a in shipped)
            {
                b.Append("<article><h2>").Append(E.Encode(a.Title)).Append("</h2><p>").Append(E.Encode(a.Description))
                 .Append("</p><p><small>Shipped <time>").Append(ActionPages.Date(a.ShippedAt!.Value))
                 .Append("</time></small></p></article>");
            }
            return new Html(b.ToString());
        }).OnListener(Listener.Public);
        return app;
    }

    private sealed class Html(string body) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            var r = context.Response;
            r.ContentType = "text/html; charset=utf-8";
            r.Headers.CacheControl = "public, max-age=300";
            r.Headers["Referrer-Policy"] = "no-referrer";
            r.Headers["X-Content-Type-Options"] = "nosniff";
            r.Headers.ContentSecurityPolicy =
                "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";
            var html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">" +
                       "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>You said, we did</title>" +
                       "<style>body{font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em}</style>" +
                       "</head><body>" + body + "</body></html>";
            return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : r.WriteAsync(html, context.RequestAborted);
        }
    }
}
