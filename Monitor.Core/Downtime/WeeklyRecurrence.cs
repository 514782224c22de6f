using System.Globalization;

namespace Monitor.Core.Downtime;

/// <summary>
/// A weekly window in a time zone: on each of <see cref="Days"/>, from <see cref="Start"/> to <see cref="End"/> local
/// time; an end at or before the start runs past midnight into the next day (a change window from Saturday 22:00 to
/// Sunday 06:00 is <c>sat</c>, 22:00, 06:00). Local times follow the zone's daylight-saving rules.
/// </summary>
public sealed record WeeklyRecurrence(IReadOnlyList<DayOfWeek> Days, TimeOnly Start, TimeOnly End, string TimeZone)
{
    private static readonly string[] DayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
    private static readonly string[] FullNames = CultureInfo.InvariantCulture.DateTimeFormat.DayNames;

    /// <summary>The days as stored and shown: <c>mon,tue</c>.</summary>
    public string DaysText => string.Join(",", Days.Order().Select(d => DayNames[(int)d]));

    /// <summary>Parses <c>mon</c>…<c>sun</c> (or full English names, any case); null and a problem when one is unknown.</summary>
    public static (IReadOnlyList<DayOfWeek>? Days, string? Problem) ParseDays(IEnumerable<string>? names)
    {
        var days = new SortedSet<DayOfWeek>();
        foreach (var raw in names ?? [])
        {
            var n = raw.Trim().ToLowerInvariant();
            var i = n.Length >= 3 ? Array.FindIndex(FullNames, f => f.StartsWith(n, StringComparison.OrdinalIgnoreCase)) : -1;
            if (i < 0) return (null, $"recurrence.days: '{raw}' is not a day (mon, tue, wed, thu, fri, sat, sun).");
            days.Add((DayOfWeek)i);
        }
        return days.Count == 0 ? (null, "recurrence.days is required: the days of the week (mon … sun).") : (days.ToList(), null);
    }

    /// <summary>Builds a recurrence from what a person or a caller typed; every problem names its field.</summary>
    public static (WeeklyRecurrence? Recurrence, IReadOnlyList<string> Problems) Parse(IEnumerable<string>? days, string? start,
        string? end, string? timeZone)
    {
        var problems = new List<string>();
        var (parsed, dayProblem) = ParseDays(days);
        if (dayProblem is not null) problems.Add(dayProblem);
        var s = Time("recurrence.start", start, problems);
        var e = Time("recurrence.end", end, problems);
        if (s is not null && s == e) problems.Add("recurrence.end equals recurrence.start: the window would be empty.");
        var zone = string.IsNullOrWhiteSpace(timeZone) ? "UTC" : timeZone.Trim();
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
            problems.Add($"recurrence.timeZone: '{zone}' is not a known time zone (an IANA name such as Europe/Paris).");
        return problems.Count > 0 ? (null, problems) : (new WeeklyRecurrence(parsed!, s!.Value, e!.Value, zone), problems);
    }

    private static TimeOnly? Time(string field, string? text, List<string> problems)
    {
        if (TimeOnly.TryParseExact(text?.Trim(), ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)) return t;
        problems.Add($"{field} must be a local time HH:mm.");
        return null;
    }

    /// <summary>The windows that start before <paramref name="until"/> and end after <paramref name="from"/>, oldest first.</summary>
    public IEnumerable<(DateTimeOffset From, DateTimeOffset Until)> Occurrences(DateTimeOffset from, DateTimeOffset until)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        // A window that started the day before `from` may still be open at `from`.
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(from, zone).DateTime).AddDays(-1);
        var last = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(until, zone).DateTime);
        for (; day <= last; day = day.AddDays(1))
        {
            if (!Days.Contains(day.DayOfWeek)) continue;
            var s = Local(zone, day.ToDateTime(Start));
            var e = Local(zone, (End > Start ? day : day.AddDays(1)).ToDateTime(End));
            if (e <= from || s >= until) continue;
            yield return (s, e);
        }
    }

    // A local time skipped by a clock change is taken an hour later; a repeated one at its first (daylight) offset.
    private static DateTimeOffset Local(TimeZoneInfo zone, DateTime local)
    {
        if (zone.IsInvalidTime(local)) local = local.AddHours(1);
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }
}
