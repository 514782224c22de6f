using System.Text;
using System.Text.Encodings.Web;
using Microsoft.Extensions.Options;

namespace Monitor.Worker.StaffConsole;

/// <summary>
/// The console home under the sign-in line: the seed's three questions answered (last visit without a ticket,
/// last change because of feedback, how we are alerted) and the way to the people list.
/// </summary>
internal sealed class ConsoleHome(IEnumerable<IHeadlineSource> sources, AlertmanagerAlerts alerts, IOptions<ConsoleOptions> options,
    TimeProvider time, ILogger<ConsoleHome> logger)
{
    /// <summary>The questions every console answers, with what it says until a feature answers them.</summary>
    public static readonly IReadOnlyList<Headline> Defaults =
    [
        new(HeadlineLabels.LastVisit, "No visits recorded yet."),
        new(HeadlineLabels.LastChange, "No change recorded yet."),
    ];

    private static readonly HtmlEncoder E = HtmlEncoder.Default;

    public async Task<string> RenderAsync(Actor who, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var lines = new List<Headline>();
        foreach (var source in sources.OrderBy(s => s.Order))
        {
            try
            {
                lines.AddRange(await source.ReadAsync(now, ct));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Console: the headline {Source} failed", source.GetType().Name);
                lines.Add(new Headline(source.GetType().Name, "Could not be read just now."));
            }
        }
        lines.AddRange(Defaults.Where(d => lines.All(l => l.Label != d.Label)));

        var html = new StringBuilder("<nav><a href=\"/console/people\">People</a></nav><h2>Questions</h2><dl id=\"headlines\">");
        foreach (var line in lines) html.Append($"<dt>{E.Encode(line.Label)}</dt><dd>{E.Encode(line.Value)}</dd>");
        html.Append("<dt>How are we alerted</dt><dd id=\"alerting\">").Append(await AlertingAsync(ct)).Append("</dd></dl>");
        return html.ToString();
    }

    private async Task<string> AlertingAsync(CancellationToken ct)
    {
        var o = options.Value;
        var html = new StringBuilder();
        if (o.GrafanaUrl is { Length: > 0 } grafana) html.Append($"<a href=\"{E.Encode(grafana)}\">Grafana</a> ");
        if (o.AlertmanagerUrl is { Length: > 0 } am) html.Append($"<a href=\"{E.Encode(am)}\">Alertmanager</a>");
        var list = await alerts.ReadAsync(ct);
        if (list is null)
            return html.Append("<p>Alerts go through Prometheus and Alertmanager; set Console:AlertmanagerUrl to list them here.</p>")
                .ToString();
        if (list.Error is not null) return html.Append($"<p class=\"error\">{E.Encode(list.Error)}</p>").ToString();
        if (list.Alerts.Count == 0) return html.Append("<p id=\"open-alerts\">No alert is firing.</p>").ToString();
        html.Append($"<p>{list.Alerts.Count} open alert{(list.Alerts.Count == 1 ? "" : "s")}:</p><ul id=\"open-alerts\">");
        foreach (var a in list.Alerts)
        {
            html.Append("<li><strong>").Append(E.Encode(a.Name)).Append("</strong>");
            if (a.Subject is not null) html.Append(" · ").Append(E.Encode(a.Subject));
            if (a.Summary is not null) html.Append(" — ").Append(E.Encode(a.Summary));
            if (a.StartsAt is { } at) html.Append(" (since ").Append(E.Encode(PeoplePages.When(at))).Append(')');
            html.Append("</li>");
        }
        return html.Append("</ul>").ToString();
    }
}
