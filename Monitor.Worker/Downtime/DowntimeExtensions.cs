using Microsoft.Extensions.DependencyInjection.Extensions;
using Monitor.Core.Ports;
using Monitor.Probes;
using Monitor.Worker.Exporter;
using Monitor.Worker.StaffConsole;

namespace Monitor.Worker.Downtime;

/// <summary>Registers scheduled downtime: options, store, calendar (replacing the no-downtime default), metrics, API, console.</summary>
public static class DowntimeExtensions
{
    public static WebApplicationBuilder AddDowntime(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<DowntimeOptions, DowntimeOptionsValidator>(builder.Configuration, DowntimeOptions.Section);
        services.AddSingleton<DowntimeRepository>();
        services.AddSingleton<DowntimeService>();
        services.AddSingleton<DirectoryAbsences>();
        services.AddSingleton<DowntimeCalendar>();
        // Wins over the TryAdd default whatever the order of registration.
        services.Replace(ServiceDescriptor.Singleton<IDowntimeCalendar>(sp => sp.GetRequiredService<DowntimeCalendar>()));
        services.AddMetricsContributor<DowntimeMetrics>();
        services.AddUserPageSection<DowntimeSection>();
        services.AddScheduledJob<DowntimeRetentionJob, DowntimeOptions>(DowntimeRetentionJob.JobName,
            _ => new JobSchedule.Every(TimeSpan.FromHours(1)));
        return builder;
    }

    public static WebApplication MapDowntime(this WebApplication app)
    {
        app.MapDowntimeApi();
        app.MapDowntimeConsole();
        return app;
    }
}
