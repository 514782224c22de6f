using System.Text;
using System.Text.Encodings.Web;
using Microsoft.Extensions.Options;
using Monitor.Worker.Endpoints;
using Monitor.Worker.StaffConsole;
using Prometheus;

namespace Monitor.Worker.Privacy;

/// <summary>
/// <c>/console/comments</c>: what a department or a site wrote (viewers and staff, every mode). The text of a group is
/// shown only when at least <c>Privacy:MinCommentGroupSize</c> distinct people of it wrote in the window: in a smaller
/// crowd a comment is recognised by what it says or how it is written, whatever name is left off. No name, no id, the
/// month only.
/// </summary>
internal static class GroupCommentsPage
{
    /// <summary>Comments of this long are read; older ones are blanked by retention anyway (Privacy:CommentRetention).</summary>
    public static readonly TimeSpan Window = TimeSpan.FromDays(90);

    private static readonly HtmlEncoder E = HtmlEncoder.Default;

    private static readonly Counter Rejected = Metrics.CreateCounter("satisfaction_group_comments_rejected_total",
        "Requests of the console's group comments page refused, by reason (both_groups, unknown_group).", "reason");

    public static IEndpointRouteBuilder MapGroupComments(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/console").OnListener(Listener.Internal).RequireAuthorization(ConsoleRoles.ViewerPolicy)
            .MapGet("/comments", async (string? department, string? site, GroupCommentRepository store, IOptions<PrivacyOptions> privacy,
                TimeProvider time, ILogger<GroupCommentRepository> logger, CancellationToken ct) =>
            {
                var minimum = privacy.Value.MinCommentGroupSize;
                var since = time.GetUtcNow() - Window;
                department = string.IsNullOrWhiteSpace(department) ? null : department.Trim();
                site = string.IsNullOrWhiteSpace(site) ? null : site.Trim();
                if (department is not null && site is not null)
                    return Refuse(logger, "both_groups", 400, "Choose a department or a site, not both.");
                if (department is null && site is null) return Summary(await store.WritersAsync(since, ct), minimum);
                var (type, group) = department is not null ? ("department", department) : ("site", site!);
                if (!await store.ExistsAsync(type, group, ct))
                    return Refuse(logger, "unknown_group", 404, $"The directory has no {type} named \u201c{group}\u201d.");
                var (people, comments) = await store.ReadAsync(type, group, since, minimum, ct);
                return Group(type, group, people, comments, minimum);
            });
        return app;
    }

    private static IResult Refuse(ILogger logger, string reason, int status, string message)
    {
        // The reason only: what was typed in the query stays out of the log and the labels.
        logger.LogInformation("Group comments page refused a request: {Reason}", reason);
        Rejected.WithLabels(reason).Inc();
        return ConsolePages.Html(status, "Comments", $"{Back}<p class=\"error\" role=\"alert\">{E.Encode(message)}</p>");
    }

    private const string Back = "<p><a href=\"/console/comments\">All groups</a></p>";

    private static string Rule(int minimum) =>
        $"Comments are shown for a group only when at least {minimum} people of it wrote in the last {Window.Days} days " +
        "(Privacy:MinCommentGroupSize): in a smaller crowd a comment can be recognised by what it says or how it is written.";

    private static IResult Summary(IReadOnlyList<GroupWriters> writers, int minimum)
    {
        var b = new StringBuilder("<p><a href=\"/console/\">Console</a></p><h1>What groups said</h1>")
            .Append("<p id=\"rule\">").Append(E.Encode(Rule(minimum))).Append("</p>");
        foreach (var (type, title) in new[] { ("department", "Departments"), ("site", "Sites") })
        {
            b.Append($"<h2>{title}</h2><table id=\"{type}s\"><tr><th>{title[..^1]}</th><th>People who wrote</th></tr>");
            foreach (var w in writers.Where(w => w.GroupType == type))
            {
                var link = $"/console/comments?{type}={Uri.EscapeDataString(w.Group)}";
                // Below the threshold the exact count is not shown either: "fewer than" is all a viewer learns.
                var shown = w.People >= minimum;
                b.Append("<tr><td>").Append(shown ? $"<a href=\"{E.Encode(link)}\">{E.Encode(w.Group)}</a>" : E.Encode(w.Group))
                 .Append("</td><td>").Append(shown ? $"{w.People}" : $"fewer than {minimum}: hidden").Append("</td></tr>");
            }
            b.Append("</table>");
        }
        return ConsolePages.Html(200, "What groups said", b.ToString());
    }

    private static IResult Group(string type, string group, int people, IReadOnlyList<GroupComment> comments, int minimum)
    {
        var b = new StringBuilder(Back).Append("<h1>What ").Append(type).Append(' ').Append(E.Encode(group)).Append(" said</h1>");
        if (people < minimum)
        {
            b.Append("<p id=\"hidden\">Hidden: fewer than ").Append(minimum).Append(" people of this ").Append(type)
             .Append(" wrote in the last ").Append(Window.Days).Append(" days. ").Append(E.Encode(Rule(minimum))).Append("</p>");
            return ConsolePages.Html(200, "Comments", b.ToString());
        }
        b.Append("<p id=\"count\">").Append(people).Append(" people wrote in the last ").Append(Window.Days)
         .Append(" days; the newest ").Append(comments.Count).Append(" comments, without names.</p><ul id=\"comments\">");
        foreach (var c in comments)
        {
            b.Append("<li><span class=\"when\">").Append(c.Month).Append("</span> ").Append(E.Encode(c.Kind)).Append(": \u201c")
             .Append(E.Encode(c.Text)).Append("\u201d</li>");
        }
        return ConsolePages.Html(200, "Comments", b.Append("</ul>").ToString());
    }
}
