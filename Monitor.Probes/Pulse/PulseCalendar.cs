using System.Security.Cryptography;
using System.Text;

namespace Monitor.Probes.Pulse;

/// <summary>
/// When a person may receive a pulse, in their own time zone: business days, outside quiet hours, on
/// the days a stable random sample picks for them (so that the load spreads over the days).
/// </summary>
public sealed record PulseCalendar(
    IReadOnlyCollection<DayOfWeek> BusinessDays,
    TimeOnly QuietUntil,
    TimeOnly QuietFrom,
    double DailySampleRate)
{
    /// <summary>True when <paramref name="now"/> is a business day and outside quiet hours where the person is.</summary>
    public bool IsAwake(DateTimeOffset now, string timeZone)
    {
        var local = Local(now, timeZone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        return BusinessDays.Contains(local.DayOfWeek) && time >= QuietUntil && time < QuietFrom;
    }

    /// <summary>Whether today (the person's local date) is one of the days the sample picks for this person.</summary>
    public bool IsSampled(string userId, DateTimeOffset now, string timeZone)
    {
        if (DailySampleRate >= 1) return true;
        var day = DateOnly.FromDateTime(Local(now, timeZone).DateTime);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{userId}|{day:yyyy-MM-dd}"), hash);
        var draw = BitConverter.ToUInt64(hash) / (double)ulong.MaxValue;
        return draw < DailySampleRate;
    }

    /// <summary>The person's local time; an unknown zone falls back to UTC rather than skipping them forever.</summary>
    public static DateTimeOffset Local(DateTimeOffset now, string timeZone)
    {
        try
        {
            return TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById(timeZone));
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            return now.ToUniversalTime();
        }
    }
}
