using Monitor.Probes;
using Monitor.Worker.Exporter;
using Monitor.Worker.StaffConsole;

namespace Monitor.Worker.Outreach;

/// <summary>Registers visits, who to visit, lunches, their metrics, the console section and the weekly digest.</summary>
public static class OutreachExtensions
{
    public static IServiceCollection AddOutreach(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<OutreachOptions, OutreachOptionsValidator>(configuration, OutreachOptions.Section);
        services.AddSingleton<VisitRepository>();
        services.AddSingleton<LunchRepository>();
        services.AddSingleton<OutreachService>();
        services.AddMetricsContributor<VisitMetrics>();
        services.AddUserPageSection<VisitsSection>();
        services.AddSingleton<IHeadlineSource, VisitHeadline>();
        services.AddSingleton<INeedsVisit, OutreachNeedsVisit>();
        services.AddScheduledJob<OutreachDigestJob, OutreachOptions>(OutreachDigestJob.JobName,
            o => o.Digest.Enabled ? new JobSchedule.Cron(o.Digest.Cron) : null);
        return services;
    }
}
