using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Monitor.Core.Ports;

namespace Monitor.Probes;

/// <summary>When a scheduled piece of work runs: a Quartz cron expression (seconds first) or a fixed interval.</summary>
public abstract record JobSchedule
{
    private JobSchedule()
    {
    }

    /// <summary>A Quartz cron expression, in UTC.</summary>
    public sealed record Cron(string Expression) : JobSchedule;

    /// <summary>Every <paramref name="Interval"/>, the first run at start-up.</summary>
    public sealed record Every(TimeSpan Interval) : JobSchedule;
}

/// <summary>
/// One entry of the catalogue of scheduled work: its name (the Quartz job key, and the <c>probe</c> label when
/// <paramref name="IsProbe"/>), its schedule read from its own validated options (null: switched off), and how
/// to build it. The worker schedules every entry from this list; registration order does not matter.
/// </summary>
public sealed record ProbeDefinition(
    string Name,
    Func<IServiceProvider, JobSchedule?> Schedule,
    Func<IServiceProvider, IProbe> Create,
    bool IsProbe = true);

public static class ProbeRegistration
{
    /// <summary>Adds one entry to the catalogue.</summary>
    public static IServiceCollection AddProbe(this IServiceCollection services, ProbeDefinition definition)
    {
        services.AddSingleton(definition);
        return services;
    }

    /// <summary>
    /// Adds a probe whose schedule comes from its options (validated before anything reads them):
    /// <c>services.AddProbe&lt;PulseProbe, PulseOptions&gt;("pulse", o =&gt; o.Enabled ? new JobSchedule.Cron(o.Cron) : null)</c>.
    /// </summary>
    public static IServiceCollection AddProbe<TProbe, TOptions>(this IServiceCollection services, string name,
        Func<TOptions, JobSchedule?> schedule)
        where TProbe : class, IProbe
        where TOptions : class =>
        services.AddScheduled<TProbe, TOptions>(name, schedule, isProbe: true);

    /// <summary>Adds scheduled work that is not a probe (evaluation, retention): scheduled, logged, no probe series.</summary>
    public static IServiceCollection AddScheduledJob<TJob, TOptions>(this IServiceCollection services, string name,
        Func<TOptions, JobSchedule?> schedule)
        where TJob : class, IProbe
        where TOptions : class =>
        services.AddScheduled<TJob, TOptions>(name, schedule, isProbe: false);

    private static IServiceCollection AddScheduled<TJob, TOptions>(this IServiceCollection services, string name,
        Func<TOptions, JobSchedule?> schedule, bool isProbe)
        where TJob : class, IProbe
        where TOptions : class
    {
        services.AddSingleton<TJob>();
        return services.AddProbe(new ProbeDefinition(name,
            sp => schedule(sp.GetRequiredService<IOptions<TOptions>>().Value),
            sp => sp.GetRequiredService<TJob>(),
            isProbe));
    }
}
