using System.Globalization;
using Monitor.Worker.StaffConsole;

namespace Monitor.Worker.Outreach;

/// <summary>The console header's "last visit without a ticket": when, and how many this month.</summary>
internal sealed class VisitHeadline(VisitRepository visits) : IHeadlineSource
{
    public int Order => 10;

    public async Task<IReadOnlyList<Headline>> ReadAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var last = (await visits.LastVisitsAsync(cancellationToken)).Values.Select(v => v.At).DefaultIfEmpty().Max();
        if (last == default) return [new Headline(HeadlineLabels.LastVisit, "No visits recorded yet.")];
        var month = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var count = (await visits.CountByKindAsync(month, cancellationToken)).Values.Sum();
        return [new Headline(HeadlineLabels.LastVisit,
            $"{last.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC; {count} this month")];
    }
}

/// <summary>The people list's "needs a visit" filter: everyone on this week's list of who to visit.</summary>
internal sealed class OutreachNeedsVisit(OutreachService outreach) : INeedsVisit
{
    public async Task<IReadOnlySet<string>> UserIdsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        (await outreach.WhoToVisitAsync(cancellationToken)).Select(l => l.User.Id).ToHashSet(StringComparer.Ordinal);
}
