using System.Text;
using System.Text.Encodings.Web;
using Monitor.Worker.StaffConsole;

namespace Monitor.Worker.Actions;

/// <summary>
/// The "Feedback" part of a user's console page: the person's signals that carry a comment, each with a checkbox,
/// and a form that links the ticked ones to an action.
/// </summary>
public sealed class FeedbackSection(ActionRepository store) : IUserPageSection
{
    private static readonly HtmlEncoder E = HtmlEncoder.Default;

    public int Order => 60;

    public async Task<string> RenderAsync(UserPageContext page, CancellationToken cancellationToken)
    {
        var comments = await store.CommentsOfAsync(page.User.Id, cancellationToken);
        var b = new StringBuilder("<section id=\"feedback\"><h2>Feedback</h2>");
        if (comments.Count == 0) return b.Append("<p>No comments from this person.</p></section>").ToString();
        var actions = await store.ListAsync(false, 200, cancellationToken);
        b.Append("<form method=\"post\" action=\"/console/actions/link\">").Append(page.Antiforgery).Append("<ul>");
        foreach (var c in comments) b.Append("<li>").Append(ActionPages.Checkbox(c, withUser: false)).Append("</li>");
        b.Append("</ul>");
        if (actions.Count == 0)
        {
            return b.Append("</form><p>No actions yet: <a href=\"/console/actions\">create one</a> to link this feedback to.</p></section>")
                .ToString();
        }
        b.Append("<p><label for=\"feedback-action\">Link to action</label> <select id=\"feedback-action\" name=\"action\">");
        foreach (var a in actions)
        {
            b.Append("<option value=\"").Append(a.Id).Append("\">").Append(E.Encode(a.Title))
             .Append(a.Shipped ? " (shipped)" : "").Append("</option>");
        }
        return b.Append("</select> <button type=\"submit\">Link</button></p></form></section>").ToString();
    }
}
