using Monitor.Probes;
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
        return builder;
    }

    public static WebApplication MapDependencies(this WebApplication app)
    {
        app.MapIncidentsApi();
        app.MapIncidentConsole();
        return app;
    }
}
