using System.Text;
using System.Text.Encodings.Web;
using Monitor.Core.Ports;
using Monitor.Worker.Endpoints;
using Monitor.Worker.StaffConsole;

namespace Monitor.Worker.Privacy;

/// <summary>
/// <c>/console/audit</c> (staff): the audit log, newest first, filtered by <c>?subject=</c> or <c>?actor=</c> through links;
/// <c>/console/audit.csv</c> the same as CSV. No form: it only reads.
/// </summary>
internal static class AuditPage
{
    private static readonly HtmlEncoder E = HtmlEncoder.Default;

    public static IEndpointRouteBuilder MapAuditPage(this IEndpointRouteBuilder app)
    {
        var console = app.MapGroup("/console").OnListener(Listener.Internal).RequireAuthorization(ConsoleRoles.StaffPolicy);
        console.MapGet("/audit", async (string? actor, string? subject, AuditRepository audit, TimeProvider time, CancellationToken ct) =>
            Render(await PrivacyApi.Query(audit, time, null, actor, subject, 500, ct), actor, subject));
        console.MapGet("/audit.csv", async (string? actor, string? subject, AuditRepository audit, TimeProvider time,
            CancellationToken ct) =>
            Results.Text(AuditCsv.Write(await PrivacyApi.Query(audit, time, null, actor, subject, AuditRepository.MaxLimit, ct)),
                "text/csv; charset=utf-8", Encoding.UTF8));
        return app;
    }

    private static IResult Render(IReadOnlyList<AuditEntry> entries, string? actor, string? subject)
    {
        var filter = Query(actor, subject);
        var html = new StringBuilder("<h1>Audit log</h1><p>Who viewed, exported or erased whose data in the last 30 days, newest first.");
        if (filter.Length > 0) html.Append(" Filtered: <a href=\"/console/audit\">show all</a>.");
        html.Append($" <a href=\"/console/audit.csv{E.Encode(filter)}\">Download as CSV</a></p>");
        if (entries.Count == 0) html.Append("<p id=\"empty\">No entries.</p>");
        else
        {
            html.Append("<div style=\"overflow-x:auto\"><table id=\"audit\"><thead><tr><th>When (UTC)</th><th>Who</th><th>What</th>")
                .Append("<th>Whose data</th><th>Detail</th></tr></thead><tbody>");
            foreach (var e in entries)
            {
                html.Append("<tr><td>").Append(E.Encode(e.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss")))
                    .Append("</td><td>").Append(Link(e.Actor, Query(e.Actor, null)))
                    .Append("</td><td>").Append(E.Encode(e.Action))
                    .Append("</td><td>").Append(e.SubjectUserId is { } s ? Link(s, Query(null, s)) : "")
                    .Append("</td><td>").Append(E.Encode(e.Detail ?? "")).Append("</td></tr>");
            }
            html.Append("</tbody></table></div>");
        }
        html.Append("<p><a href=\"/console/\">Back to the console</a></p>");
        return ConsolePages.Html(200, "Audit log", html.ToString());
    }

    private static string Link(string text, string query) => $"<a href=\"/console/audit{E.Encode(query)}\">{E.Encode(text)}</a>";

    private static string Query(string? actor, string? subject)
    {
        var parts = new List<string>();
        if (!string.IsNullOrWhiteSpace(actor)) parts.Add("actor=" + Uri.EscapeDataString(actor.Trim()));
        if (!string.IsNullOrWhiteSpace(subject)) parts.Add("subject=" + Uri.EscapeDataString(subject.Trim()));
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }
}
