using Monitor.Probes;
using Quartz;

namespace Monitor.Worker.Scheduling;

/// <summary>
/// Puts every catalogue entry that is switched on into Quartz at start-up, one job and one trigger each named
/// after the entry, and takes out the trigger of an entry switched off (a clustered store may still hold it
/// from an earlier configuration). Replacing on every start makes a changed schedule take effect.
/// </summary>
public sealed class CatalogueScheduler(ISchedulerFactory factory, ProbeCatalog catalog, TimeProvider time,
    ILogger<CatalogueScheduler> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = await factory.GetScheduler(cancellationToken);
        foreach (var definition in catalog.Definitions)
        {
            var key = new JobKey(definition.Name);
            if (!catalog.Scheduled.TryGetValue(definition.Name, out var schedule))
            {
                if (await scheduler.Exists(key, cancellationToken)) await scheduler.DeleteJob(key, cancellationToken);
                continue;
            }
            var job = JobBuilder.Create<ProbeJob>().WithIdentity(key).DisallowConcurrentExecution(true).Build();
            var trigger = TriggerBuilder.Create<ProbeJob>(time).WithIdentity(definition.Name).ForJob(key);
            trigger = schedule switch
            {
                JobSchedule.Cron c => trigger.WithCronSchedule(c.Expression, _ => { }),
                JobSchedule.Every e => trigger.StartNow().WithSimpleSchedule(e.Interval, null),
                _ => throw new InvalidOperationException($"Unknown schedule {schedule}"),
            };
            await scheduler.ScheduleJob(job, trigger.Build(), ScheduleJobOptions.Replacing, cancellationToken);
        }
        logger.LogInformation("Scheduled {Jobs}", string.Join(", ", catalog.Scheduled.Select(s => $"{s.Key} ({Describe(s.Value)})")));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static string Describe(JobSchedule s) => s switch
    {
        JobSchedule.Cron c => "cron " + c.Expression,
        JobSchedule.Every e => "every " + e.Interval,
        _ => s.ToString(),
    };
}
