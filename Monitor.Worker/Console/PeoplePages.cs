using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Monitor.Core.Evaluation;
using Monitor.Worker.Storage;

namespace Monitor.Worker.StaffConsole;

/// <summary>The people list: staff see individuals with filters; viewers see departments and sites by state, never names.</summary>
internal static class PeoplePages
{
    private static readonly HtmlEncoder E = HtmlEncoder.Default;

    public static readonly SatisfactionState[] States =
        [SatisfactionState.Down, SatisfactionState.Degraded, SatisfactionState.Up, SatisfactionState.Unknown];

    /// <summary>As the metrics and the API say it: down, degraded, up, unknown.</summary>
    public static string Name(SatisfactionState s) => s.ToString().ToLowerInvariant();

    public static string When(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Score(double? score) => score is { } s ? s.ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture) : "–";

    public static string Nav => "<nav><a href=\"/console/\">Home</a><a href=\"/console/people\">People</a></nav>";

    /// <summary>Counts by department and by site, one column per state: no name, no id.</summary>
    public static IResult Groups(IReadOnlyList<BoardRow> board)
    {
        var html = new StringBuilder(Nav).Append("<h1>People</h1><p>Your role sees groups only.</p>");
        foreach (var (title, key) in new (string, Func<BoardRow, string>)[] { ("Departments", r => r.Department), ("Sites", r => r.Site) })
        {
            html.Append($"<h2>{title}</h2><table id=\"{title.ToLowerInvariant()}\"><tr><th>{title[..^1]}</th>");
            foreach (var s in States) html.Append($"<th>{Name(s)}</th>");
            html.Append("</tr>");
            foreach (var group in board.GroupBy(key).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                html.Append($"<tr><td>{E.Encode(group.Key)}</td>");
                foreach (var s in States) html.Append($"<td>{group.Count(r => r.State == s)}</td>");
                html.Append("</tr>");
            }
            html.Append("</table>");
        }
        return ConsolePages.Html(200, "People", html.ToString());
    }

    public sealed record Filter(string? State, string? Department, string? Site, bool NeedsVisit);

    public static IResult List(IReadOnlyList<BoardRow> board, IReadOnlyDictionary<string, string> names, Filter filter,
        IReadOnlySet<string>? needsVisit, string? error)
    {
        var html = new StringBuilder(Nav).Append("<h1>People</h1>");
        if (error is not null) html.Append($"<p class=\"error\" role=\"alert\">{E.Encode(error)}</p>");
        html.Append("<form method=\"get\" action=\"/console/people\" id=\"filter\">")
            .Append(Select("state", "State", States.Select(Name), filter.State))
            .Append(Select("department", "Department", board.Select(r => r.Department), filter.Department))
            .Append(Select("site", "Site", board.Select(r => r.Site), filter.Site));
        if (needsVisit is not null)
        {
            html.Append("<p><label><input type=\"checkbox\" name=\"needs-visit\" value=\"true\"")
                .Append(filter.NeedsVisit ? " checked" : "").Append("> Needs a visit</label></p>");
        }
        html.Append("<button type=\"submit\">Filter</button></form>");

        var rows = board
            .Where(r => filter.State is null || Name(r.State) == filter.State)
            .Where(r => filter.Department is null || r.Department == filter.Department)
            .Where(r => filter.Site is null || r.Site == filter.Site)
            .Where(r => !filter.NeedsVisit || needsVisit?.Contains(r.UserId) == true)
            .OrderBy(r => Array.IndexOf(States, r.State)).ThenBy(r => r.Score ?? 0).ThenBy(r => r.UserId, StringComparer.Ordinal)
            .ToList();
        html.Append($"<p id=\"count\">{rows.Count} of {board.Count} people</p>")
            .Append("<table id=\"people\"><tr><th>Name</th><th>Department</th><th>Site</th><th>State</th><th>Score</th></tr>");
        foreach (var r in rows)
        {
            var name = names.GetValueOrDefault(r.UserId, r.UserId);
            html.Append($"<tr><td><a href=\"/console/users/{Uri.EscapeDataString(r.UserId)}\">{E.Encode(name)}</a></td>")
                .Append($"<td>{E.Encode(r.Department)}</td><td>{E.Encode(r.Site)}</td>")
                .Append($"<td class=\"{Name(r.State)}\">{Name(r.State)}{(r.Acknowledged ? " (acknowledged)" : "")}</td>")
                .Append($"<td>{Score(r.Score)}</td></tr>");
        }
        html.Append("</table>");
        return ConsolePages.Html(error is null ? 200 : 400, "People", html.ToString());
    }

    private static string Select(string name, string label, IEnumerable<string> values, string? selected)
    {
        var html = new StringBuilder($"<p><label for=\"{name}\">{label}</label><br><select id=\"{name}\" name=\"{name}\">")
            .Append("<option value=\"\">any</option>");
        foreach (var v in values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            html.Append($"<option value=\"{E.Encode(v)}\"{(v == selected ? " selected" : "")}>{E.Encode(v)}</option>");
        return html.Append("</select></p>").ToString();
    }
}
