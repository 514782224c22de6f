using System.Text.RegularExpressions;
using Quartz;

namespace Monitor.Probes;

/// <summary>Validation of the Quartz cron expressions probes are scheduled with.</summary>
public static class CronSchedule
{
    /// <summary>
    /// True when <paramref name="expression"/> is a Quartz cron expression (seconds first) that fires again: one that never
    /// does (30 February, a year gone by) is refused too, or Quartz would stop the worker at start with an exception; so is a
    /// number out of its field's range (second 99), which Quartz takes and runs at some other time.
    /// </summary>
    public static bool IsValid(string? expression)
    {
        if (string.IsNullOrWhiteSpace(expression) || !InRange(expression)) return false;
        try
        {
            return new CronExpression(expression).GetNextValidTimeAfter(DateTimeOffset.UtcNow) is not null;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    // Second, minute, hour, day of month, month, day of week, year: the largest number each field takes (steps included).
    private static readonly int[] Largest = [59, 59, 23, 31, 12, 7, 2199];

    private static bool InRange(string expression)
    {
        var fields = expression.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < fields.Length && i < Largest.Length; i++)
        {
            if (Regex.Matches(fields[i], "[0-9]+").Any(m => !int.TryParse(m.Value, out var n) || n > Largest[i])) return false;
        }
        return true;
    }
}
