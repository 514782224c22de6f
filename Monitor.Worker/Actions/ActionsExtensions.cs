using Monitor.Probes;
using Monitor.Worker.Exporter;
using Monitor.Worker.StaffConsole;

namespace Monitor.Worker.Actions;

/// <summary>Registers "you said, we did": options, store, service, follow-up job, metrics, console section, pages and API.</summary>
public static class ActionsExtensions
{
    public static WebApplicationBuilder AddActions(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<ActionsOptions, ActionsOptionsValidator>(builder.Configuration, ActionsOptions.Section);
        services.AddSingleton<ActionRepository>();
        services.AddSingleton<ActionService>();
        services.AddScheduledJob<ActionFollowUpJob, ActionsOptions>(ActionFollowUpJob.JobName,
            o => new JobSchedule.Every(o.FollowUpInterval));
        services.AddMetricsContributor<ActionMetrics>();
        services.AddUserPageSection<FeedbackSection>();
        services.AddSingleton<IHeadlineSource, ActionHeadline>();
        return builder;
    }

    public static WebApplication MapActions(this WebApplication app)
    {
        app.MapActionsApi();
        app.MapActionConsole();
        app.MapChangesPage();
        return app;
    }
}
