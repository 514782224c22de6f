namespace Monitor.Core.Outreach;

/// <summary>Monday to Friday, counted in UTC (no public holidays: the directory knows none).</summary>
public static class WorkingDays
{
    /// <summary>
    /// The end of the <paramref name="days"/>-th working day after <paramref name="from"/>: a user who went red on a
    /// Friday afternoon has until the end of Wednesday for a visit within 3 working days.
    /// </summary>
    public static DateTimeOffset Deadline(DateTimeOffset from, int days)
    {
        var day = DateOnly.FromDateTime(from.UtcDateTime);
        var counted = 0;
        while (counted < days)
        {
            day = day.AddDays(1);
            if (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)) counted++;
        }
        return new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
    }
}
