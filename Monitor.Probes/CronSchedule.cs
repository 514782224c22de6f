using Quartz;

namespace Monitor.Probes;

/// <summary>Validation of the Quartz cron expressions probes are scheduled with.</summary>
public static class CronSchedule
{
    /// <summary>True when <paramref name="expression"/> is a Quartz cron expression (seconds first).</summary>
    public static bool IsValid(string? expression)
    {
        if (string.IsNullOrWhiteSpace(expression)) return false;
        try
        {
            _ = new CronExpression(expression);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
