using Quartz;

namespace Monitor.Probes;

/// <summary>Validation of the Quartz cron expressions probes are scheduled with.</summary>
public static class CronSchedule
{
    /// <summary>
    /// True when <paramref name="expression"/> is a Quartz cron expression (seconds first) that fires again: one that never
    /// does (30 February, a year gone by) is refused too, or Quartz would stop the worker at start with an exception.
    /// </summary>
    public static bool IsValid(string? expression)
    {
        if (string.IsNullOrWhiteSpace(expression)) return false;
        try
        {
            return new CronExpression(expression).GetNextValidTimeAfter(DateTimeOffset.UtcNow) is not null;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
