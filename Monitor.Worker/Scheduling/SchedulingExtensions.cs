using Monitor.Core.Evaluation;
using Monitor.Probes;
using Monitor.Worker.UserDirectory;
using Monitor.Worker.Storage;
using Quartz;

namespace Monitor.Worker.Scheduling;

public static class SchedulingExtensions
{
    /// <summary>
    /// Quartz, configured from the catalogue: in memory on SQLite (one process); on PostgreSQL the persistent
    /// clustered store, so that replicas share the jobs and each fires once per interval, on one node. The
    /// directory sync and the evaluation are catalogue entries like the probes.
    /// </summary>
    public static IHostApplicationBuilder AddScheduling(this IHostApplicationBuilder builder, StorageOptions storage)
    {
        var services = builder.Services;
        services.AddSingleton(NodeIdentity.Create());
        services.AddSingleton<ProbeCatalog>();
        services.AddTransient<ProbeJob>();
        services.AddProbe<DirectoryProbe, DirectoryOptions>(ProbeCatalog.Directory, o => new JobSchedule.Every(o.Interval));
        services.AddScheduledJob<EvaluationRun, EvaluationOptions>(ProbeCatalog.Evaluation, o => new JobSchedule.Every(o.Interval));
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
        });
        builder.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        services.AddHostedService<CatalogueScheduler>();
        return builder;
    }
}
