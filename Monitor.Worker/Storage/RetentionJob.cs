using Microsoft.Extensions.Options;
using Monitor.Core.Ports;
using Monitor.Probes;
using Monitor.Worker.Privacy;

namespace Monitor.Worker.Storage;

/// <summary>
/// Prunes every table that would otherwise grow without bound, each by its own <c>Retention:*</c> age, and blanks
/// what people wrote after <c>Privacy:CommentRetention</c> and <c>Privacy:NoteRetention</c>. Every table holding a user id
/// is covered (docs/privacy.md, "Retention").
/// Scheduled work, not a probe: it gets a job run but no probe series.
/// </summary>
public sealed class RetentionJob(RetentionRepository repository, IOptions<RetentionOptions> options, TimeProvider time,
    ILogger<RetentionJob> logger, IOptions<PrivacyOptions>? privacy = null) : IProbe
{
    public const string JobName = "retention";

    public string Name => JobName;

    public async Task<ProbeResult> RunAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var p = privacy?.Value ?? new PrivacyOptions();
        var now = time.GetUtcNow();
        var b = o.BatchSize;
        var ct = cancellationToken;
        // Each table by its own age; the deletes do not depend on each other. A failure fails the run,
        // and the next run picks up where it stopped.
        (string What, int Deleted)[] pruned =
        [
            ("job runs", await repository.PruneJobRunsAsync(now - o.JobRuns, b, ct)),
            ("sent messages", await repository.PruneSentOutboxAsync(now - o.SentOutbox, b, ct)),
            ("link fetches", await repository.PruneLinkHitsAsync(now - o.LinkHits, b, ct)),
            ("closed pulses", await repository.PruneClosedPulsesAsync(now - o.ClosedPulses, b, ct)),
            ("state changes", await repository.PruneStateChangesAsync(now - o.StateChanges, b, ct)),
            ("signals", await repository.PruneSignalsAsync(now - o.Signals, b, ct)),
            ("removed users", await repository.PruneRemovedUsersAsync(now - o.RemovedUsers, b, ct)),
            ("comments blanked", await repository.BlankCommentsAsync(now - p.CommentRetention, b, ct)),
            ("visit notes blanked", await repository.BlankVisitNotesAsync(now - p.NoteRetention, b, ct)),
            // What else holds a person's id goes with what it is about: feedback with its pulse, the rest with signals.
            ("feedback answers", await repository.PrunePulseFeedbackAsync(now - o.ClosedPulses, b, ct)),
            ("action links", await repository.PruneActionLinksAsync(now - o.Signals, b, ct)),
            ("people told", await repository.PruneActionNotificationsAsync(now - o.Signals, b, ct)),
            ("lunch invitations", await repository.PruneLunchInviteesAsync(now - o.Signals, b, ct)),
        ];
        var summary = string.Join(", ", pruned.Select(p => $"{p.Deleted} {p.What}"));
        if (pruned.Any(p => p.Deleted > 0)) logger.LogInformation("Retention deleted {Summary}", summary);
        return ProbeResult.Ok(summary);
    }
}

/// <summary>Registers the retention job and its options.</summary>
public static class RetentionExtensions
{
    /// <summary>
    /// Adds <see cref="RetentionOptions"/> (validated at start-up), the repository, and the <c>retention</c>
    /// entry of the job catalogue, run every <c>Retention:Interval</c>.
    /// </summary>
    public static IServiceCollection AddRetention(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<RetentionOptions, RetentionOptionsValidator>(configuration, RetentionOptions.Section);
        services.AddSingleton<RetentionRepository>();
        services.AddScheduledJob<RetentionJob, RetentionOptions>(RetentionJob.JobName, o => new JobSchedule.Every(o.Interval));
        return services;
    }
}
