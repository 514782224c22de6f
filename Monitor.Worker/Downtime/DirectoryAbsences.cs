using Microsoft.Extensions.Options;
using Monitor.Core.Downtime;

namespace Monitor.Worker.Downtime;

/// <summary>
/// Turns the directory's optional <c>absent_until</c> column into downtimes authored "directory": one per absent person,
/// from when the directory first said so until the end of the given day (UTC), at most <c>Downtime:MaxLength</c> ahead.
/// A changed date moves the end; a cleared date ends it now. A file without the column changes nothing (the directory
/// sync does not call this then). Long enough, it is long leave (<c>Downtime:LongLeaveDays</c>).
/// </summary>
public sealed class DirectoryAbsences(DowntimeRepository store, IOptions<DowntimeOptions> options, TimeProvider time,
    ILogger<DirectoryAbsences> logger)
{
    public async Task ApplyAsync(IReadOnlyDictionary<string, DateOnly> absentUntil, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var existing = await store.DirectoryAbsencesAsync(now, ct);
        int created = 0, moved = 0, ended = 0;
        foreach (var (user, day) in absentUntil)
        {
            var end = new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            if (end - now > options.Value.MaxLength) end = now + options.Value.MaxLength;
            if (existing.TryGetValue(user, out var d))
            {
                if (end <= now) continue;   // a date in the past: ended below
                if (d.Until != end)
                {
                    await store.SetEndAsync(d.Id, end, ct);
                    moved++;
                }
                continue;
            }
            if (end <= now) continue;
            await store.CreateAsync(new DowntimeRecord(Guid.CreateVersion7(), [user], null, null, now, end, null,
                $"absent until {day:yyyy-MM-dd} (directory)", DowntimeRecord.DirectoryAuthor, now), ct);
            created++;
        }
        foreach (var (user, d) in existing)
        {
            if (absentUntil.TryGetValue(user, out var day) && new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) > now)
                continue;
            if (await store.EndAsync(d.Id, DowntimeRecord.DirectoryAuthor, now, ct)) ended++;
        }
        if (created + moved + ended > 0)
            logger.LogInformation("Directory absences: {Created} downtimes created, {Moved} moved, {Ended} ended", created, moved, ended);
    }
}
