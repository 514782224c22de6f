using Microsoft.Extensions.Options;
using Monitor.Core.Downtime;
using Monitor.Core.Ports;

namespace Monitor.Worker.Downtime;

/// <summary>
/// The store's downtimes as the rest of the monitor reads them. Every replica reads the store each time, so a downtime
/// created through one is honoured by all at their next pulse run or metrics refresh. Who is in downtime costs one
/// indexed query for the downtimes open now (a handful) and one per group or per list among them: no pass over the
/// directory. Group membership is the directory's now, also for past spans (docs/downtime.md).
/// </summary>
public sealed class DowntimeCalendar(DowntimeRepository store, IOptions<DowntimeOptions> options) : IDowntimeCalendar
{
    public async Task<IReadOnlySet<string>> UsersInDowntimeAsync(DateTimeOffset at, CancellationToken cancellationToken) =>
        (await InDowntimeAsync(at, cancellationToken)).Keys.ToHashSet(StringComparer.Ordinal);

    public async Task<IReadOnlyDictionary<string, bool>> InDowntimeAsync(DateTimeOffset at, CancellationToken ct)
    {
        var result = new Dictionary<string, bool>(StringComparer.Ordinal);
        var longLeave = options.Value.LongLeave;
        // The store keeps milliseconds: a window of one tick would miss a downtime starting at this very millisecond.
        foreach (var d in await store.OverlappingAsync(at, at.AddMilliseconds(1), ct))
        {
            if (!d.Covers(at)) continue;
            var leave = d.IsLongLeave(longLeave);
            foreach (var u in await MembersAsync(d, ct)) result[u] = leave || result.GetValueOrDefault(u);
        }
        return result;
    }

    public async Task<IReadOnlyList<DowntimeSpan>> SpansAsync(DateTimeOffset from, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var spans = new List<DowntimeSpan>();
        var longLeave = options.Value.LongLeave;
        foreach (var d in await store.OverlappingAsync(from, until, cancellationToken))
        {
            var occurrences = d.Occurrences(from, until).ToList();
            if (occurrences.Count == 0) continue;
            var leave = d.IsLongLeave(longLeave);
            foreach (var u in await MembersAsync(d, cancellationToken))
                spans.AddRange(occurrences.Select(o => new DowntimeSpan(u, o.From, o.Until, leave)));
        }
        return spans;
    }

    private async Task<IReadOnlyList<string>> MembersAsync(DowntimeRecord d, CancellationToken ct) =>
        d.IsGroup ? await store.MembersAsync(d.GroupType!, d.Group!, ct) : d.Users;
}
