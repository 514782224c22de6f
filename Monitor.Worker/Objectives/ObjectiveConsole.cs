using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Monitor.Core.Objectives;
using Monitor.Worker.Endpoints;
using Monitor.Worker.StaffConsole;

namespace Monitor.Worker.Objectives;

/// <summary>
/// <c>/console/reports/objectives</c>: the monthly objective report as a printable page for viewers (group figures
/// only, the same as the CSV). Printing hides the form and keeps each department on its own page.
/// </summary>
internal static class ObjectiveConsole
{
    private static readonly HtmlEncoder E = HtmlEncoder.Default;

    private const string PrintCss =
        "<style>.report{max-width:none}.report td.n,.report th.n{text-align:right}.report section{margin-top:2em}" +
        "@media print{form,nav,.noprint{display:none}body{max-width:none;margin:0;font-size:11pt}" +
        ".report section{break-inside:avoid;break-after:page}a{color:inherit;text-decoration:none}}</style>";

    public static IEndpointRouteBuilder MapObjectiveConsole(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/console").OnListener(Listener.Internal).RequireAuthorization(ConsoleRoles.ViewerPolicy)
            .MapGet("/reports/objectives", async (string? month, string? department, ObjectiveReports reports, TimeProvider time,
                ILogger<ObjectiveReports> logger, CancellationToken ct) =>
            {
                // Without a month: the last complete one, what is sent to the business at the start of a month.
                var now = time.GetUtcNow();
                month ??= new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(-1)
                    .ToString("yyyy-MM", CultureInfo.InvariantCulture);
                var (months, problem) = await ObjectivesApi.ReadAsync(month, department, reports, logger, ct);
                var body = new StringBuilder(PrintCss).Append(Form(month, department));
                if (problem is { } p)
                    return ConsolePages.Html(p.Status, "Objective report", body.Append("<p class=\"error\" role=\"alert\">")
                        .Append(E.Encode(p.Message)).Append("</p>").ToString());
                if (months.Count == 0) body.Append("<p>No department had users in that month.</p>");
                foreach (var m in months) Section(body, m);
                return ConsolePages.Html(200, $"Objective report {month}", body.ToString());
            });
        return app;
    }

    private static string Form(string month, string? department) =>
        "<p class=\"noprint\"><a href=\"/console/\">Console</a></p><h1>Experience objectives: monthly report</h1>" +
        "<form method=\"get\" action=\"/console/reports/objectives\"><label>Month <input name=\"month\" type=\"month\" value=\"" +
        E.Encode(month) + "\"></label> <label>Department <input name=\"department\" value=\"" + E.Encode(department ?? "") +
        "\" placeholder=\"all\"></label> <button>Show</button> <a href=\"/api/reports/objectives?month=" + E.Encode(month) +
        "\">CSV (admin API)</a></form>";

    private static void Section(StringBuilder b, DepartmentMonth m)
    {
        b.Append("<section class=\"report\" data-department=\"").Append(E.Encode(m.Department)).Append("\"><h2>")
            .Append(E.Encode(m.Department)).Append(" · ").Append(m.From.ToString("MMMM yyyy", CultureInfo.InvariantCulture))
            .Append("</h2>");
        b.Append("<table>");
        Figure(b, "Objective", "target", Percent(m.Target) + " of users not down");
        Figure(b, "Achieved", "achieved", Percent(m.Achieved));
        Figure(b, "Error budget left", "budget", Percent(m.BudgetLeft));
        Figure(b, "Users counted", "users", m.Users.ToString(CultureInfo.InvariantCulture));
        b.Append("</table>");
        if (m.Achieved is null)
            b.Append("<p>Withheld: fewer users than Privacy:MinGroupSize stand behind this month's figures.</p>");
        b.Append("<h3>Weeks</h3><table><tr><th>From</th><th>Until</th><th class=\"n\">Achieved</th><th></th></tr>");
        foreach (var w in m.Weeks)
        {
            var worst = m.WorstWeeks.Contains(w);
            b.Append("<tr").Append(worst ? " class=\"down\" data-worst=\"true\"" : "").Append("><td>").Append(ObjectiveReports.Date(w.From))
                .Append("</td><td>").Append(ObjectiveReports.Date(w.Until.AddDays(-1))).Append("</td><td class=\"n\">")
                .Append(Percent(w.Achieved)).Append("</td><td>").Append(worst ? "worst week" : "").Append("</td></tr>");
        }
        b.Append("</table><h3>Top factors</h3>");
        if (m.TopFactors.Count == 0) b.Append("<p>None shown (none drove enough users down to be shown).</p>");
        else
        {
            b.Append("<ol>");
            foreach (var f in m.TopFactors)
                b.Append("<li data-factor=\"").Append(E.Encode(f.Kind)).Append("\">").Append(E.Encode(f.Kind)).Append(": ")
                    .Append(f.Users).Append(" users went down with it</li>");
            b.Append("</ol>");
        }
        b.Append("<h3>Actions shipped</h3>");
        if (m.Actions.Count == 0) b.Append("<p>None this month.</p>");
        else
        {
            b.Append("<ul>");
            foreach (var a in m.Actions)
                b.Append("<li data-action>").Append(E.Encode(a.Title)).Append(" (").Append(ObjectiveReports.Date(a.ShippedAt))
                    .Append(")</li>");
            b.Append("</ul>");
        }
        b.Append("</section>");
    }

    private static void Figure(StringBuilder b, string name, string key, string value) =>
        b.Append("<tr><th>").Append(name).Append("</th><td class=\"n\" data-figure=\"").Append(key).Append("\">")
            .Append(value).Append("</td></tr>");

    private static string Percent(double? r) =>
        r is { } v ? (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %" : "withheld";
}
