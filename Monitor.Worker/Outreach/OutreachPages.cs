using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;
using Monitor.Core.Outreach;
using Monitor.Core.Users;
using Monitor.Probes.Pulse;
using Monitor.Worker.Endpoints;
using Monitor.Worker.StaffConsole;

namespace Monitor.Worker.Outreach;

/// <summary>The console's outreach pages as HTML: the list, the visit form, the lunch draw. Everything from outside is encoded.</summary>
internal static class OutreachPages
{
    private static readonly HtmlEncoder E = HtmlEncoder.Default;

    /// <summary>What was typed into the visit form, kept to re-render it on error.</summary>
    public sealed record VisitForm(string Kind = VisitKinds.InPerson, string Feeling = "", string Notes = "", string FollowUpOn = "");

    public static IResult List(IReadOnlyList<OutreachLine> lines)
    {
        var html = new StringBuilder("<h1>Who to visit this week</h1>")
            .Append("<p><a href=\"/console/outreach.csv\">Download as CSV</a> · <a href=\"/console/lunch\">Lunch draw</a></p>");
        if (lines.Count == 0) html.Append("<p id=\"nobody\">Nobody needs a visit this week.</p>");
        else
        {
            html.Append("<table id=\"outreach\"><thead><tr><th>Who</th><th>Department</th><th>Site</th><th>Why</th><th></th></tr>")
                .Append("</thead><tbody>");
            foreach (var l in lines)
            {
                var id = Uri.EscapeDataString(l.User.Id);
                html.Append($"<tr data-user=\"{E.Encode(l.User.Id)}\" data-reason=\"{OutreachCsv.Reason(l.Reason)}\">")
                    .Append($"<td><a href=\"/console/users/{E.Encode(id)}\">{E.Encode(l.User.DisplayName)}</a></td>")
                    .Append($"<td>{E.Encode(l.User.Department)}</td><td>{E.Encode(l.User.Site)}</td><td>{E.Encode(l.Explanation)}</td>")
                    .Append($"<td><a href=\"/console/users/{E.Encode(id)}/visits/new\">Log a visit</a></td></tr>");
            }
            html.Append("</tbody></table>");
        }
        return ConsolePages.Html(200, "Who to visit", html.ToString());
    }

    public static IResult NewVisit(AntiforgeryTokenSet tokens, User user, VisitForm form, IReadOnlyList<string> errors)
    {
        var id = E.Encode(Uri.EscapeDataString(user.Id));
        var html = new StringBuilder($"<h1>Log a visit to {E.Encode(user.DisplayName)}</h1>");
        if (errors.Count > 0)
        {
            html.Append("<div class=\"error\" role=\"alert\"><ul>")
                .AppendJoin("", errors.Select(e => $"<li>{E.Encode(e)}</li>")).Append("</ul></div>");
        }
        html.Append($"<form method=\"post\" action=\"/console/users/{id}/visits/new\">").Append(ConsolePages.TokenField(tokens))
            .Append("<p><label for=\"kind\">How</label><br><select id=\"kind\" name=\"kind\">");
        foreach (var k in VisitKinds.All)
            html.Append($"<option value=\"{k}\"{(form.Kind == k ? " selected" : "")}>{KindWords(k)}</option>");
        html.Append("</select></p><fieldset><legend>How did they feel?</legend>")
            .Append(Radio("feeling-none", "", "Did not ask", form.Feeling.Length == 0));
        foreach (var a in PulseAnswers.All)
        {
            var value = a.Score.ToString(CultureInfo.InvariantCulture);
            html.Append(Radio($"feeling-{a.Key}", value, $"{a.Face} {a.Words}", form.Feeling == value));
        }
        html.Append("</fieldset><p><label for=\"notes\">Notes (private: staff only)</label><br>")
            .Append($"<textarea id=\"notes\" name=\"notes\" rows=\"5\" cols=\"40\" maxlength=\"{VisitRequest.MaxNotes}\">")
            .Append(E.Encode(form.Notes)).Append("</textarea></p>")
            .Append("<p><label for=\"followUpOn\">Follow up on</label><br>")
            .Append($"<input id=\"followUpOn\" name=\"followUpOn\" type=\"date\" value=\"{E.Encode(form.FollowUpOn)}\"></p>")
            .Append("<button type=\"submit\">Save the visit</button></form>")
            .Append($"<p><a href=\"/console/users/{id}\">Back</a></p>");
        return ConsolePages.Html(errors.Count > 0 ? 400 : 200, "Log a visit", html.ToString());
    }

    public static IResult Lunch(AntiforgeryTokenSet tokens, string count, string? error)
    {
        var html = new StringBuilder("<h1>Lunch with randomly chosen users</h1>");
        if (error is not null) html.Append($"<p class=\"error\" role=\"alert\">{E.Encode(error)}</p>");
        html.Append("<form method=\"post\" action=\"/console/lunch\">").Append(ConsolePages.TokenField(tokens))
            .Append("<p><label for=\"count\">How many people</label><br>")
            .Append($"<input id=\"count\" name=\"count\" inputmode=\"numeric\" value=\"{E.Encode(count)}\"></p>")
            .Append("<button type=\"submit\">Draw</button></form>");
        return ConsolePages.Html(error is null ? 200 : 400, "Lunch", html.ToString());
    }

    public static IResult Drawn(AntiforgeryTokenSet tokens, Guid lunchId, IReadOnlyList<User> drawn)
    {
        var html = new StringBuilder("<h1>Drawn for lunch</h1>");
        if (drawn.Count == 0)
            return ConsolePages.Html(200, "Lunch", html.Append("<p>Nobody can be drawn: everyone was invited recently.</p>").ToString());
        html.Append("<p>Invite them; after the lunch, tick who came and save.</p>")
            .Append($"<form method=\"post\" action=\"/console/lunch/{lunchId}/attendance\">").Append(ConsolePages.TokenField(tokens))
            .Append("<ul id=\"drawn\">");
        foreach (var u in drawn)
        {
            var uid = E.Encode(u.Id);
            html.Append($"<li><label><input type=\"checkbox\" name=\"came\" value=\"{uid}\"> {E.Encode(u.DisplayName)} ")
                .Append($"({E.Encode(u.Department)}, {E.Encode(u.Site)}, {E.Encode(RankWords(u.Rank))})</label></li>");
        }
        html.Append("</ul><button type=\"submit\">Save who came</button></form>");
        return ConsolePages.Html(201, "Lunch", html.ToString());
    }

    public static string KindWords(string kind) => kind switch
    {
        VisitKinds.InPerson => "In person",
        VisitKinds.Call => "Call",
        VisitKinds.Chat => "Chat",
        VisitKinds.Lunch => "Lunch",
        _ => kind,
    };

    public static string FeelingWords(double? feeling) =>
        feeling is { } f && PulseAnswers.All.FirstOrDefault(a => a.Score == f) is { } a ? $"{a.Face} {a.Words}" : "not asked";

    private static string RankWords(Rank rank) => rank switch
    {
        Rank.Executive => "executive",
        Rank.Manager => "manager",
        _ => "individual contributor",
    };

    private static string Radio(string id, string value, string label, bool on) =>
        $"<p><input type=\"radio\" id=\"{id}\" name=\"feeling\" value=\"{value}\"{(on ? " checked" : "")}> " +
        $"<label for=\"{id}\">{E.Encode(label)}</label></p>";
}
