using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Monitor.Core.Actions;
using Monitor.Probes.Pulse;
using Monitor.Worker.StaffConsole;

namespace Monitor.Worker.Actions;

/// <summary>The console's action pages: server-rendered, no script, everything from outside encoded, a token in every form.</summary>
internal static class ActionPages
{
    private static readonly HtmlEncoder E = HtmlEncoder.Default;

    /// <summary>What was typed in the new-action form, kept when it is refused.</summary>
    public sealed record Draft(string Title = "", string Description = "", string Owner = "");

    public static IResult List(IReadOnlyList<ActionRecord> actions, string token, Draft draft, IReadOnlyList<string> errors)
    {
        var b = new StringBuilder("<p><a href=\"/console/\">Console</a></p><h1>You said, we did</h1>");
        b.Append("<table id=\"actions\"><thead><tr><th>Action</th><th>Owner</th><th>Status</th></tr></thead><tbody>");
        foreach (var a in actions)
        {
            b.Append("<tr><td><a href=\"/console/actions/").Append(a.Id).Append("\">").Append(E.Encode(a.Title)).Append("</a></td><td>")
             .Append(E.Encode(a.Owner)).Append("</td><td>").Append(a.ShippedAt is { } s ? "shipped " + Date(s) : "open")
             .Append("</td></tr>");
        }
        if (actions.Count == 0) b.Append("<tr><td colspan=\"3\">No actions yet.</td></tr>");
        b.Append("</tbody></table><h2>New action</h2>").Append(Errors(errors))
         .Append("<form method=\"post\" action=\"/console/actions\">").Append(token)
         .Append(Field("title", "Title (what changed)", draft.Title, ActionRecord.MaxTitle))
         .Append("<p><label for=\"description\">What was done (\u201cWe \u2026\u201d)</label><br>")
         .Append("<textarea id=\"description\" name=\"description\" ")
         .Append("rows=\"4\" cols=\"50\" maxlength=\"").Append(ActionRecord.MaxDescription).Append("\" required>")
         .Append(E.Encode(draft.Description)).Append("</textarea></p>")
         .Append(Field("owner", "Owner", draft.Owner, ActionRecord.MaxOwner, required: false))
         .Append("<button type=\"submit\">Create action</button></form>");
        return ConsolePages.Html(errors.Count == 0 ? 200 : 400, "Actions", b.ToString());
    }

    public static IResult Details(ActionRecord a, IReadOnlyList<LinkedSignal> links, IReadOnlyList<string> notified,
        FollowUpResults results,
        string? query, IReadOnlyList<CommentedSignal>? found, string token, string? error)
    {
        var b = new StringBuilder("<p><a href=\"/console/actions\">All actions</a></p>");
        b.Append("<h1 id=\"title\">").Append(E.Encode(a.Title)).Append("</h1>").Append(Errors(error is null ? [] : [error]))
         .Append("<p id=\"description\">").Append(E.Encode(a.Description)).Append("</p><p>Owner: ").Append(E.Encode(a.Owner))
         .Append(" · created by ").Append(E.Encode(a.CreatedBy)).Append(' ').Append(Date(a.CreatedAt)).Append("</p>")
         .Append("<p id=\"status\">").Append(a.ShippedAt is { } s
             ? $"Shipped {Date(s)} by {E.Encode(a.ShippedBy ?? "")}; {notified.Count} people told."
             : "Open: not shipped yet.").Append("</p>");

        b.Append("<h2>Feedback it answers</h2><ul id=\"links\">");
        foreach (var l in links)
        {
            b.Append("<li><a href=\"/console/users/").Append(E.Encode(Uri.EscapeDataString(l.Ref.UserId))).Append("\">")
             .Append(E.Encode(l.Ref.UserId)).Append("</a> ").Append(Score(l.Score)).Append(": ")
             .Append(l.Comment is null ? "<em>no comment</em>" : "\u201c" + E.Encode(l.Comment) + "\u201d").Append("</li>");
        }
        if (links.Count == 0) b.Append("<li>None linked yet.</li>");
        b.Append("</ul>");

        b.Append("<h2>Search comments</h2><form method=\"get\" action=\"/console/actions/").Append(a.Id).Append("\">")
         .Append("<p><label for=\"q\">Text</label><br><input id=\"q\" name=\"q\" maxlength=\"200\" value=\"")
         .Append(E.Encode(query ?? "")).Append("\"> <button type=\"submit\">Search</button></p></form>");
        if (found is not null)
        {
            b.Append("<form method=\"post\" action=\"/console/actions/").Append(a.Id).Append("/links\">").Append(token)
             .Append("<ul id=\"found\">");
            foreach (var c in found) b.Append("<li>").Append(Checkbox(c)).Append("</li>");
            if (found.Count == 0) b.Append("<li>No comment contains this text.</li>");
            b.Append("</ul>").Append(found.Count == 0 ? "" : "<button type=\"submit\">Link to this action</button>").Append("</form>");
        }

        if (a.ShippedAt is null)
        {
            b.Append("<h2>Ship</h2><form method=\"post\" action=\"/console/actions/").Append(a.Id).Append("/ship\">").Append(token)
             .Append("<p><label><input type=\"checkbox\" id=\"notify\" name=\"notify\" value=\"true\"> Tell the people whose feedback ")
             .Append("it answers (one e-mail each, not to those who unsubscribed)</label></p><button type=\"submit\">Ship</button></form>");
        }
        b.Append("<h2>Did it help?</h2><p id=\"follow-up\">").Append(results.Sent).Append(" follow-up pulses sent, ")
         .Append(results.Scores.Count).Append(" answered.</p><ul id=\"answers\">");
        foreach (var (key, count) in ActionsApi.Faces(results.Scores))
        {
            var face = PulseAnswers.All.First(x => x.Key == key);
            b.Append("<li>").Append(face.Face).Append(' ').Append(E.Encode(face.Words)).Append(": ").Append(count).Append("</li>");
        }
        b.Append("</ul>");
        return ConsolePages.Html(error is null ? 200 : 400, a.Title, b.ToString());
    }

    /// <summary>A checkbox whose value is the signal's key, labelled with who said what and when.</summary>
    public static string Checkbox(CommentedSignal c, bool withUser = true) =>
        $"<label><input type=\"checkbox\" name=\"signal\" value=\"{E.Encode(c.Ref.ToString())}\"> " +
        (withUser ? $"<strong>{E.Encode(c.UserId)}</strong> " : "") +
        $"{Date(c.ObservedAt)} {E.Encode(c.Kind)} {Score(c.Score)}: \u201c{E.Encode(c.Comment)}\u201d</label>";

    public static string Date(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Score(double? score) => score is { } s ? $"({s.ToString("+0.##;-0.##;0", CultureInfo.InvariantCulture)})" : "";

    private static string Field(string name, string label, string value, int max, bool required = true) =>
        $"<p><label for=\"{name}\">{label}</label><br><input id=\"{name}\" name=\"{name}\" maxlength=\"{max}\" " +
        $"value=\"{E.Encode(value)}\"{(required ? " required" : "")}></p>";

    private static string Errors(IReadOnlyList<string> errors) => errors.Count == 0 ? "" :
        "<div class=\"error\" role=\"alert\">" + string.Concat(errors.Select(e => $"<p>{E.Encode(e)}</p>")) + "</div>";
}
