using Microsoft.Extensions.Options;
using Monitor.Core.Ports;
using Monitor.Probes;
using Monitor.Probes.Tickets;
using Monitor.Worker.Exporter;
using Monitor.Worker.StaffConsole;

namespace Monitor.Worker.Dependencies;

/// <summary>Registers dependencies and incidents: the mapping file, the store, the service, the series, the API and the console pages.</summary>
public static class DependenciesExtensions
{
    public static WebApplicationBuilder AddDependencies(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<DependenciesOptions, DependenciesOptionsValidator>(builder.Configuration, DependenciesOptions.Section);
        services.AddSingleton<DependencyMapping>();
        services.AddSingleton<IncidentRepository>();
        services.AddSingleton<IncidentService>();
        services.AddMetricsContributor<IncidentMetrics>();
        services.AddUserPageSection<IncidentSection>();
        services.AddSingleton<IMajorIncidentSink, TicketIncidentSink>();
        services.AddMajorIncidentProbe<ServiceNowOptions>(TicketSystems.ServiceNow);
        return builder;
    }

    /// <summary>
    /// <c>major_incidents_&lt;system&gt;</c>: scheduled like the system's ticket probe when both the system and
    /// <c>Dependencies:MajorIncidents</c> are on.
    /// </summary>
    private static void AddMajorIncidentProbe<TOptions>(this IServiceCollection services, TicketSystem system)
        where TOptions : TicketSystemOptions => services.AddProbe(new ProbeDefinition("major_incidents_" + system.Key,
        sp => sp.GetRequiredService<IOptions<TOptions>>().Value is { Enabled: true } o
              && sp.GetRequiredService<IOptions<DependenciesOptions>>().Value.MajorIncidents
            ? new JobSchedule.Cron(o.Schedule)
            : null,
        sp => new MajorIncidentProbe(
            (IMajorIncidentSource)sp.GetRequiredKeyedService<ITicketConnector>(system.Key),
            sp.GetRequiredService<IOptions<TOptions>>().Value,
            sp.GetRequiredService<IMajorIncidentSink>(),
            sp.GetRequiredService<IWatermarkStore>(),
            sp.GetRequiredService<ILogger<MajorIncidentProbe>>(),
            sp.GetRequiredService<TimeProvider>())));

    public static WebApplication MapDependencies(this WebApplication app)
    {
        app.MapIncidentsApi();
        app.MapIncidentConsole();
        return app;
    }
}
