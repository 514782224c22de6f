using System.Text;
using System.Text.Encodings.Web;
using Microsoft.Extensions.Options;
using Monitor.Worker.StaffConsole;

namespace Monitor.Worker.Downtime;

/// <summary>The "Downtime" part of a user's console page: says when the person is in downtime now, and what is scheduled.</summary>
public sealed class DowntimeSection(DowntimeRepository store, IOptions<DowntimeOptions> options, TimeProvider time) : IUserPageSection
{
    private static readonly HtmlEncoder E = HtmlEncoder.Default;

    public int Order => 15;

    public async Task<string> RenderAsync(UserPageContext page, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var u = page.User;
        var mine = (await store.OverlappingAsync(now, now.AddDays(3700), cancellationToken))
            .Where(d => d.Users.Contains(u.Id) || d.GroupType == "department" && d.Group == u.Department ||
                        d.GroupType == "site" && d.Group == u.Site)
            .ToList();
        var b = new StringBuilder("<section id=\"downtime\"><h2>Downtime</h2>");
        var current = mine.FirstOrDefault(d => d.Covers(now));
        b.Append("<p id=\"downtime-now\">").Append(current is null
            ? "Not in downtime now."
            : $"In downtime now until {DowntimePages.Time(current.Until)} UTC" +
              (current.IsLongLeave(options.Value.LongLeave) ? " (long leave)" : "") +
              $": {E.Encode(current.Reason)} (by {E.Encode(current.Author)}). No pulses and no alerts meanwhile.").Append("</p>");
        if (mine.Count > 0)
        {
            b.Append("<ul>");
            foreach (var d in mine)
            {
                b.Append("<li>").Append(DowntimePages.Time(d.From)).Append(" \u2013 ").Append(DowntimePages.Time(d.Until))
                 .Append(d.Recurrence is { } r ? E.Encode($" ({r.DaysText} {r.Start:HH\\:mm}\u2013{r.End:HH\\:mm} {r.TimeZone})") : "")
                 .Append(": ").Append(E.Encode(d.Reason)).Append(d.IsGroup ? E.Encode($" ({d.GroupType} {d.Group})") : "").Append("</li>");
            }
            b.Append("</ul>");
        }
        return b.Append("<p><a href=\"/console/downtimes\">Schedule or end a downtime</a></p></section>").ToString();
    }
}
