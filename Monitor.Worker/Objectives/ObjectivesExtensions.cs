using Monitor.Probes;
using Monitor.Worker.Exporter;

namespace Monitor.Worker.Objectives;

/// <summary>Registers experience objectives: options, the report, its metrics, the admin API's CSV and the console page.</summary>
public static class ObjectivesExtensions
{
    public static WebApplicationBuilder AddObjectives(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<ObjectivesOptions, ObjectivesOptionsValidator>(builder.Configuration, ObjectivesOptions.Section);
        services.AddSingleton<ObjectiveRepository>();
        services.AddSingleton<ObjectiveReports>();
        services.AddMetricsContributor<ObjectiveMetrics>();
        return builder;
    }

    public static WebApplication MapObjectives(this WebApplication app)
    {
        app.MapObjectivesApi();
        app.MapObjectiveConsole();
        return app;
    }
}
