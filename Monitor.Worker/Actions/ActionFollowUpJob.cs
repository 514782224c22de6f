using Microsoft.Extensions.Options;
using Monitor.Core.Actions;
using Monitor.Core.Ports;
using Monitor.Probes.Pulse;
using Monitor.Worker.Storage;

namespace Monitor.Worker.Actions;

/// <summary>
/// <c>Actions:FollowUpAfter</c> after an action shipped, asks each person who was told about it whether it helped:
/// a pulse with the default questions under the subject "Did … help?", whose answers the action page reports.
/// Each follow-up is claimed in the store first, so that replicas never send it twice.
/// </summary>
public sealed class ActionFollowUpJob(ActionRepository store, UserRepository users, IOptions<ActionsOptions> options,
    IOptions<PulseOptions> pulse, IServiceProvider services, TimeProvider time, ILogger<ActionFollowUpJob> logger) : IProbe
{
    public const string JobName = "action_follow_up";

    private const int Batch = 500;

    public string Name => JobName;

    public async Task<ProbeResult> RunAsync(CancellationToken cancellationToken)
    {
        if (!pulse.Value.CanSign) return ProbeResult.Ok("pulses are off (Pulse:SigningKeys is empty): no follow-ups");
        var pulses = services.GetRequiredService<PulseService>();
        var now = time.GetUtcNow();
        int sent = 0, skipped = 0;
        foreach (var due in await store.FollowUpsDueAsync(now - options.Value.FollowUpAfter, Batch, cancellationToken))
        {
            if (!await store.ClaimFollowUpAsync(due.ActionId, due.UserId, now, cancellationToken)) continue;
            var user = await users.FindAsync(due.UserId, cancellationToken);
            // Someone who unsubscribed or left since the note gets no pulse; the claim stays, so they are not asked later.
            if (user is null || !user.Active || user.OptedOut || !pulses.CanReach(user))
            {
                skipped++;
                continue;
            }
            var p = await pulses.CreateAsync(user, ActionPulseReasons.FollowUp, Subject(due.Title), cancellationToken);
            await store.SetFollowUpPulseAsync(due.ActionId, due.UserId, p.Id, cancellationToken);
            sent++;
        }
        if (sent > 0) logger.LogInformation("Queued {Count} follow-up pulses for shipped actions", sent);
        return ProbeResult.Ok($"{sent} follow-up pulses, {skipped} skipped");
    }

    public static string Subject(string title) => $"Did \u201c{title}\u201d help?";
}
