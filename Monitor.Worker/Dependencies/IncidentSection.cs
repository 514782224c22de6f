using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.Extensions.Options;
using Monitor.Core.Evaluation;
using Monitor.Worker.StaffConsole;

namespace Monitor.Worker.Dependencies;

/// <summary>
/// The "Incidents" part of a user's console page: each incident over the user that their signals in the window were
/// sent during — "this dip was incident N (title)" — with those signals' scores.
/// </summary>
public sealed class IncidentSection(IncidentService incidents, IOptions<EvaluationOptions> evaluation, TimeProvider time)
    : IUserPageSection
{
    private static readonly HtmlEncoder E = HtmlEncoder.Default;

    public int Order => 15;

    public async Task<string> RenderAsync(UserPageContext page, CancellationToken cancellationToken)
    {
        var signals = await incidents.TaggedSignalsAsync(page.User.Id, time.GetUtcNow() - evaluation.Value.Window, cancellationToken);
        var during = (signals ?? []).Where(s => s.Incident is not null).GroupBy(s => s.Incident!.Id).ToList();
        if (during.Count == 0) return "";
        var b = new StringBuilder("<section id=\"incidents\"><h2>Incidents</h2><ul>");
        foreach (var g in during)
        {
            var i = g.First().Incident!;
            b.Append("<li>This dip was <a href=\"/console/incidents/").Append(i.Id).Append("\">incident ").Append(i.Id).Append("</a> (")
             .Append(E.Encode(i.Title)).Append(", ").Append(E.Encode(i.Parent)).Append(" down from ").Append(IncidentConsole.Date(i.OpenedAt))
             .Append(i.ResolvedAt is { } r ? " to " + IncidentConsole.Date(r) : ", still open").Append("): ")
             .Append(string.Join(", ", g.Select(s => s.Score.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture))))
             .Append(g.Count() == 1 ? " signal" : " signals").Append(" during it.</li>");
        }
        return b.Append("</ul></section>").ToString();
    }
}
