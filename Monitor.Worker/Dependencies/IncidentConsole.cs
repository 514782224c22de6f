using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;
using Monitor.Core.Dependencies;
using Monitor.Worker.Endpoints;
using Monitor.Worker.StaffConsole;

namespace Monitor.Worker.Dependencies;

/// <summary>
/// The console's incident pages under /console/incidents, for staff: the list with a form to declare one, and one
/// incident with its resolve button. Server-rendered, no script, everything typed encoded, a token in every form.
/// </summary>
internal static class IncidentConsole
{
    private static readonly HtmlEncoder E = HtmlEncoder.Default;

    public static IEndpointRouteBuilder MapIncidentConsole(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("/console/incidents").OnListener(Listener.Internal).RequireAuthorization(ConsoleRoles.StaffPolicy);

        pages.MapGet("", async (HttpContext http, IAntiforgery af, IncidentRepository store, IncidentService incidents, CancellationToken ct) =>
            await ListAsync(http, af, store, incidents, "", "", null, ct));

        pages.MapPost("", async (IFormCollection form, HttpContext http, IAntiforgery af, IncidentRepository store, IncidentService incidents,
            ICurrentActor actor, CancellationToken ct) =>
        {
            string parent = form["parent"].ToString(), title = form["title"].ToString();
            var (incident, problem) = await incidents.DeclareAsync(parent, title, actor.Current!.Name, ct);
            return incident is null
                ? await ListAsync(http, af, store, incidents, parent, title, problem, ct)
                : Results.Redirect($"/console/incidents/{incident.Id}");
        });

        pages.MapGet("/{id:long}", async (long id, HttpContext http, IAntiforgery af, IncidentRepository store, IncidentService incidents,
            CancellationToken ct) => await store.FindAsync(id, ct) is { } i
            ? Details(i, (await incidents.UsersUnderAsync(i.Parent, ct)).Count, Token(http, af))
            : NotFound());

        // The form is bound (unread) so that its anti-forgery token is checked, as for every console form.
        pages.MapPost("/{id:long}/resolve", async (long id, IFormCollection form, IncidentRepository store, ICurrentActor actor,
            TimeProvider time, ILogger<IncidentService> logger, CancellationToken ct) =>
        {
            if (await store.FindAsync(id, ct) is null) return NotFound();
            if (await store.ResolveAsync(id, time.GetUtcNow(), actor.Current!.Name, ct))
                logger.LogWarning("Incident {Incident} resolved by {By}", id, actor.Current!.Name);
            return Results.Redirect($"/console/incidents/{id}");
        });
        return app;
    }

    private static async Task<IResult> ListAsync(HttpContext http, IAntiforgery af, IncidentRepository store, IncidentService incidents,
        string parent, string title, string? error, CancellationToken ct)
    {
        var b = new StringBuilder("<p><a href=\"/console/\">Console</a></p><h1>Incidents</h1>");
        b.Append("<table id=\"incidents\"><thead><tr><th>#</th><th>Parent down</th><th>Title</th><th>Status</th></tr></thead><tbody>");
        var list = await store.ListAsync(200, ct);
        foreach (var i in list)
        {
            b.Append("<tr><td><a href=\"/console/incidents/").Append(i.Id).Append("\">").Append(i.Id).Append("</a></td><td>")
             .Append(E.Encode(i.Parent)).Append("</td><td>").Append(E.Encode(i.Title)).Append("</td><td>")
             .Append(i.Open ? "open since " + Date(i.OpenedAt) : "resolved " + Date(i.ResolvedAt!.Value)).Append("</td></tr>");
        }
        if (list.Count == 0) b.Append("<tr><td colspan=\"4\">No incidents.</td></tr>");
        b.Append("</tbody></table><h2>Declare an incident</h2>");
        if (error is not null) b.Append("<p class=\"error\">").Append(E.Encode(error)).Append("</p>");
        b.Append("<form method=\"post\" action=\"/console/incidents\">").Append(Token(http, af))
         .Append("<p><label for=\"parent\">Parent that is down</label><br><select id=\"parent\" name=\"parent\" required>");
        foreach (var p in (await incidents.KnownParentsAsync(ct)).Order(StringComparer.Ordinal))
            b.Append("<option").Append(p == parent ? " selected" : "").Append('>').Append(E.Encode(p)).Append("</option>");
        b.Append("</select></p><p><label for=\"title\">Title</label><br><input id=\"title\" name=\"title\" required maxlength=\"")
         .Append(Incident.MaxTitle).Append("\" value=\"").Append(E.Encode(title)).Append("\"></p>")
         .Append("<button type=\"submit\">Declare incident</button></form>");
        return ConsolePages.Html(error is null ? 200 : 400, "Incidents", b.ToString());
    }

    private static IResult Details(Incident i, int usersUnder, string token)
    {
        var b = new StringBuilder("<p><a href=\"/console/incidents\">All incidents</a></p>");
        b.Append("<h1 id=\"title\">Incident ").Append(i.Id).Append(": ").Append(E.Encode(i.Title)).Append("</h1>")
         .Append("<p>Parent down: <strong id=\"parent\">").Append(E.Encode(i.Parent)).Append("</strong> · ").Append(usersUnder)
         .Append(" users under it · source ").Append(E.Encode(i.Source)).Append(i.ExternalRef is { } r ? " " + E.Encode(r) : "")
         .Append("</p><p id=\"status\">").Append(i.Open
             ? $"Open since {Date(i.OpenedAt)} (declared by {E.Encode(i.OpenedBy)}). Users who turn red under it do not page while it lasts."
             : $"Resolved {Date(i.ResolvedAt!.Value)} by {E.Encode(i.ResolvedBy ?? "")}; opened {Date(i.OpenedAt)}.").Append("</p>");
        if (i.Open)
        {
            b.Append("<form method=\"post\" action=\"/console/incidents/").Append(i.Id).Append("/resolve\">").Append(token)
             .Append("<button type=\"submit\">Resolve</button></form>");
        }
        return ConsolePages.Html(200, $"Incident {i.Id}", b.ToString());
    }

    internal static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static IResult NotFound() =>
        ConsolePages.Message(404, "No such incident", "The incident does not exist.", "/console/incidents", "Incidents");

    private static string Token(HttpContext http, IAntiforgery af) => ConsolePages.TokenField(af.GetAndStoreTokens(http));
}
