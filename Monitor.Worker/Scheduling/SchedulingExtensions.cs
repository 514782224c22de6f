using Monitor.Core.Evaluation;
using Monitor.Worker.Directory;
using Monitor.Worker.Storage;
using Quartz;

namespace Monitor.Worker.Scheduling;

public static class SchedulingExtensions
{
    public const string EvaluationJobName = "evaluation";

    /// <summary>
    /// Quartz: in memory on SQLite (one process); on PostgreSQL the persistent clustered store, so that
    /// replicas share the jobs and each fires once per interval, on one node.
    /// </summary>
    public static IHostApplicationBuilder AddScheduling(this IHostApplicationBuilder builder)
    {
        var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var evaluation = builder.Configuration.GetSection(EvaluationOptions.Section).Get<EvaluationOptions>() ?? new EvaluationOptions();
        var directory = builder.Configuration.GetSection(DirectoryOptions.Section).Get<DirectoryOptions>() ?? new DirectoryOptions();

        var schedules = builder.Services
            .Where(d => d.ServiceType == typeof(ProbeSchedule) && d.ImplementationInstance is ProbeSchedule)
            .Select(d => (ProbeSchedule)d.ImplementationInstance!)
            .ToList();
        builder.Services.AddSingleton(NodeIdentity.Create());
        builder.Services.AddSingleton<ProbeCatalog>();
        builder.AddQuartz(q =>
        {
            q.ConfigureScheduler(o => o.InstanceName = "satisfaction-monitor");
            if (storage.IsPostgres)
            {
                q.UsePersistentStore(s =>
                {
                    s.UsePostgres(storage.ConnectionString);
                    s.UseClustering(c => c.CheckinInterval = TimeSpan.FromSeconds(5));
                    s.ProvisionSchema();
                });
            }
            else
            {
                q.UseInMemoryStore(_ => { });
            }

            q.ScheduleJob<DirectorySyncJob>(
                t => t.WithIdentity(ProbeCatalog.Directory).StartNow().WithSimpleSchedule(directory.Interval, null),
                j => j.WithIdentity(ProbeCatalog.Directory).DisallowConcurrentExecution(true));
            q.ScheduleJob<EvaluationJob>(
                t => t.WithIdentity(EvaluationJobName).StartNow().WithSimpleSchedule(evaluation.Interval, null),
                j => j.WithIdentity(EvaluationJobName).DisallowConcurrentExecution(true));
            // Probes register their ProbeSchedule beside themselves, before this runs.
            foreach (var probe in schedules)
            {
                q.ScheduleJob<ProbeJob>(
                    t => t.WithIdentity(probe.Probe).WithCronSchedule(probe.Cron, _ => { }),
                    j => j.WithIdentity(probe.Probe).DisallowConcurrentExecution(true));
            }
        });
        builder.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return builder;
    }
}
