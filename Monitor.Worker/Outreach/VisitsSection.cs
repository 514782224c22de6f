using System.Text;
using System.Text.Encodings.Web;
using Monitor.Worker.StaffConsole;

namespace Monitor.Worker.Outreach;

/// <summary>The "Visits" part of a user's console page: the visits, newest first; notes only for staff.</summary>
public sealed class VisitsSection(VisitRepository visits) : IUserPageSection
{
    private static readonly HtmlEncoder E = HtmlEncoder.Default;

    public int Order => 200;

    public async Task<string> RenderAsync(UserPageContext page, CancellationToken cancellationToken)
    {
        var list = await visits.ForUserAsync(page.User.Id, 50, cancellationToken);
        var staff = page.Actor.Role == ConsoleRoles.Staff;
        var html = new StringBuilder("<section id=\"visits\"><h2>Visits</h2>");
        var id = E.Encode(Uri.EscapeDataString(page.User.Id));
        if (staff) html.Append($"<p><a href=\"/console/users/{id}/visits/new\">Log a visit</a></p>");
        if (list.Count == 0) return html.Append("<p>No visit yet.</p></section>").ToString();
        html.Append("<ul>");
        foreach (var v in list)
        {
            html.Append($"<li class=\"visit\">{v.At.UtcDateTime:yyyy-MM-dd HH:mm} UTC · {E.Encode(OutreachPages.KindWords(v.Kind))} · ")
                .Append($"by {E.Encode(v.By)} · felt {E.Encode(OutreachPages.FeelingWords(v.Feeling))}");
            if (v.FollowUpOn is { } due) html.Append($" · follow up on {due:yyyy-MM-dd}");
            if (staff && v.Notes is { } notes) html.Append($"<p class=\"notes\">{E.Encode(notes)}</p>");
            html.Append("</li>");
        }
        return html.Append("</ul></section>").ToString();
    }
}
