using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Monitor.Core.Downtime;
using Monitor.Worker.StaffConsole;

namespace Monitor.Worker.Downtime;

/// <summary>The console's downtime page: server-rendered, no script, everything from outside encoded, a token in every form.</summary>
internal static class DowntimePages
{
    private static readonly HtmlEncoder E = HtmlEncoder.Default;
    private static readonly string[] Days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

    /// <summary>What was typed in the form, kept when it is refused. Times are UTC, as <c>yyyy-MM-ddTHH:mm</c>.</summary>
    public sealed record Draft(string Users = "", string GroupType = "", string Group = "", string From = "", string Until = "",
        string Reason = "", IReadOnlyList<string>? Days = null, string Start = "", string End = "", string TimeZone = "");

    public static IResult List(IReadOnlyList<DowntimeRecord> downtimes, DateTimeOffset now, TimeSpan longLeave, string token, Draft d,
        IReadOnlyList<string> errors)
    {
        var b = new StringBuilder("<p><a href=\"/console/\">Console</a></p><h1>Downtime</h1>");
        b.Append("<p>No pulses and no alerts for these people while a downtime lasts; their signals are still recorded.</p>");
        b.Append("<table id=\"downtimes\"><thead><tr><th>Who</th><th>When (UTC)</th><th>Reason</th><th>By</th><th></th></tr></thead><tbody>");
        foreach (var x in downtimes)
        {
            b.Append("<tr><td>").Append(E.Encode(Scope(x))).Append(x.IsLongLeave(longLeave) ? " <em>(long leave)</em>" : "")
             .Append("</td><td>").Append(Time(x.From)).Append(" \u2013 ").Append(Time(x.Until))
             .Append(x.Recurrence is { } r ? E.Encode($", {r.DaysText} {r.Start:HH\\:mm}\u2013{r.End:HH\\:mm} {r.TimeZone}") : "")
             .Append(x.Covers(now) ? " <strong>now</strong>" : "")
             .Append("</td><td>").Append(E.Encode(x.Reason)).Append("</td><td>").Append(E.Encode(x.Author)).Append("</td><td>")
             .Append("<form method=\"post\" action=\"/console/downtimes/").Append(x.Id).Append("/end\">").Append(token)
             .Append("<button type=\"submit\">").Append(x.From <= now ? "End now" : "Cancel").Append("</button></form></td></tr>");
        }
        if (downtimes.Count == 0) b.Append("<tr><td colspan=\"5\">No downtime now or to come.</td></tr>");
        b.Append("</tbody></table><h2>New downtime</h2>").Append(Errors(errors))
         .Append("<form method=\"post\" action=\"/console/downtimes\">").Append(token)
         .Append(Field("users", "User ids (comma-separated), or leave empty for a group", d.Users, 20000, required: false))
         .Append("<p><label for=\"group_type\">Group</label> <select id=\"group_type\" name=\"group_type\">")
         .Append(Option("", "none", d.GroupType)).Append(Option("department", "department", d.GroupType))
         .Append(Option("site", "site", d.GroupType)).Append("</select> ")
         .Append("<input id=\"group\" name=\"group\" aria-label=\"Group name\" maxlength=\"200\" value=\"").Append(E.Encode(d.Group))
         .Append("\"></p>")
         .Append(DateField("from", "From (UTC, empty for now)", d.From, required: false))
         .Append(DateField("until", "Until (UTC)", d.Until, required: true))
         .Append(Field("reason", "Reason", d.Reason, DowntimeRecord.MaxReason))
         .Append("<fieldset><legend>Weekly (optional)</legend>");
        foreach (var day in Days)
        {
            b.Append("<label><input type=\"checkbox\" name=\"days\" value=\"").Append(day).Append('"')
             .Append(d.Days?.Contains(day) == true ? " checked" : "").Append("> ").Append(day).Append("</label> ");
        }
        b.Append(Field("start", "Start (HH:mm, local)", d.Start, 5, required: false))
         .Append(Field("end", "End (HH:mm, local)", d.End, 5, required: false))
         .Append(Field("time_zone", "Time zone (e.g. Europe/Paris)", d.TimeZone, 100, required: false))
         .Append("</fieldset><button type=\"submit\">Schedule downtime</button></form>");
        return ConsolePages.Html(errors.Count == 0 ? 200 : 400, "Downtime", b.ToString());
    }

    public static string Scope(DowntimeRecord d) => d.IsGroup ? $"{d.GroupType} {d.Group}" : string.Join(", ", d.Users);

    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string Option(string value, string label, string chosen) =>
        $"<option value=\"{value}\"{(value == chosen ? " selected" : "")}>{label}</option>";

    private static string Field(string name, string label, string value, int max, bool required = true) =>
        $"<p><label for=\"{name}\">{label}</label><br><input id=\"{name}\" name=\"{name}\" maxlength=\"{max}\" " +
        $"value=\"{E.Encode(value)}\"{(required ? " required" : "")}></p>";

    private static string DateField(string name, string label, string value, bool required) =>
        $"<p><label for=\"{name}\">{label}</label><br><input type=\"datetime-local\" id=\"{name}\" name=\"{name}\" " +
        $"value=\"{E.Encode(value)}\"{(required ? " required" : "")}></p>";

    private static string Errors(IReadOnlyList<string> errors) => errors.Count == 0 ? "" :
        "<div class=\"error\" role=\"alert\">" + string.Concat(errors.Select(e => $"<p>{E.Encode(e)}</p>")) + "</div>";
}
