using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Monitor.Core.Ports;
using Monitor.Core.Pulses;
using Monitor.Core.Signals;
using Monitor.Core.Users;
using Monitor.Probes.Pulse.Channels;

namespace Monitor.Probes.Pulse;

/// <summary>
/// Creates pulses (scheduled, follow-up or on demand) and settles expired ones. The pulse and its outbox row are written in
/// one transaction; the message is composed and rendered by the chosen channel when the outbox sender sends it.
/// </summary>
public sealed class PulseService(IPulseStore store, IUserDirectory users, PulseComposer composer,
    PulseChannels channels, IOptions<PulseOptions> options, TimeProvider time, ILogger<PulseService> logger,
    IQuestionSetChooser? chooser = null, IWatermarkStore? marks = null, IPulseDispatchLock? dispatchLock = null,
    IDowntimeCalendar? downtime = null)
{
    /// <summary>
    /// The watermark of the dispatch in progress: <c>running:&lt;unix ms&gt;</c>, refreshed after every write batch, then
    /// <c>done:&lt;unix ms&gt;</c>. A <c>running</c> mark nobody refreshes is a dispatch interrupted by a crash, which the worker
    /// resumes at its next start (docs/reliability.md).
    /// </summary>
    public const string DispatchMark = "pulse:dispatch";

    /// <summary>How many pulses one transaction writes during a dispatch.</summary>
    private const int WriteBatch = 200;

    private PulseOptions O => options.Value;

    /// <summary>Whether the chosen channel has an address for this person.</summary>
    public bool CanReach(User user) => channels.Chosen.CanReach(user);

    /// <summary>Writes the pulse and its message to the outbox (one transaction).</summary>
    public async Task<PulseRecord> CreateAsync(User user, string reason, CancellationToken ct)
    {
        var p = New(channels.Chosen, user, reason, await ChoiceAsync(ct));
        await store.CreateManyAsync([p], ct);
        return p.Pulse;
    }

    /// <summary>
    /// A pulse with the configured questions under its own subject line (e.g. "Did … help?" after a change IT made
    /// because of feedback): same links, answers and expiry as any pulse; no campaign applies to it.
    /// </summary>
    public async Task<PulseRecord> CreateAsync(User user, string reason, string subject, CancellationToken ct)
    {
        var p = New(channels.Chosen, user, reason, choice: null, subject);
        await store.CreateManyAsync([p], ct);
        return p.Pulse;
    }

    private NewPulse New(IPulseChannel channel, User user, string reason, Func<User, string?>? choice, string? subject = null)
    {
        var now = time.GetUtcNow();
        var set = choice?.Invoke(user) ?? O.QuestionSet;
        var pulse = new PulseRecord(Guid.CreateVersion7(), user.Id, set, reason, now, now + O.LinkValidity);
        // Rendered when sent, from the pulse and the person as the directory has them then (docs/reliability.md): the outbox
        // row carries no message. Only a subject of its own, which the pulse row does not keep, is rendered now and stored.
        if (subject is null) return new NewPulse(pulse, channel.Name, Recipient: "", Message: RenderedWhenSent);
        var payload = channel.Render(composer.Compose(user, pulse) with { Subject = subject });
        return new NewPulse(pulse, channel.Name, payload.Recipient, payload.Message);
    }

    /// <summary>
    /// The outbox message of a pulse rendered by the sender when it goes out (<see cref="PulseComposer.Compose"/>, then the
    /// channel's <see cref="IPulseChannel.Render"/>), rather than when queued.
    /// </summary>
    public const string RenderedWhenSent = "";

    /// <summary>One pulse to every person who is due now; returns how many were queued (none when another dispatch runs).</summary>
    public async Task<int> DispatchAsync(CancellationToken ct) => await TryDispatchAsync(ct) ?? 0;

    /// <summary>
    /// One pulse to every person who is due now; returns how many were queued, or null when another dispatch (another replica,
    /// or a manual run beside the scheduled one) holds the dispatch lock: that one queues everyone due. With
    /// <paramref name="resumeOnly"/> it dispatches only when the mark still says <c>running</c> once the lock is held, that is
    /// when the dispatch that wrote it died (a live one holds the lock): a dispatch that ended meanwhile is not run twice.
    /// </summary>
    public async Task<int?> TryDispatchAsync(CancellationToken ct, bool resumeOnly = false)
    {
        await using var held = dispatchLock is null ? null : await dispatchLock.TryAcquireAsync(ct);
        if (dispatchLock is not null && held is null)
        {
            logger.LogInformation("Pulse: another dispatch is running; it queues everyone due, so this one queues nothing");
            return null;
        }
        if (resumeOnly && (marks is null || await marks.GetAsync(DispatchMark, ct) is not { } mark ||
                           !mark.StartsWith("running:", StringComparison.Ordinal)))
            return 0;
        return await DispatchHeldAsync(ct);
    }

    private async Task<int> DispatchHeldAsync(CancellationToken ct)
    {
        var o = O;
        var now = time.GetUtcNow();
        var channel = channels.Chosen;
        var calendar = new PulseCalendar(o.EffectiveBusinessDays(), o.QuietUntil, o.QuietFrom, o.DailySampleRate);
        var last = await store.LastPulseByUserAsync(ct);
        var followUps = await store.FollowUpsDueAsync(now - o.FollowUpAfter, ct);
        var choice = await ChoiceAsync(ct);
        // People in a scheduled downtime (leave, a change window) are not asked; follow-ups wait until it ends.
        var away = downtime is null ? null : await downtime.UsersInDowntimeAsync(now, ct);
        await MarkAsync("running", ct);
        var created = 0;
        var pending = new List<NewPulse>();
        foreach (var user in await users.ListAsync(ct))
        {
            if (created >= o.MaxPerRun) break;
            if (!user.Active || user.OptedOut || !channel.CanReach(user) || !calendar.IsAwake(now, user.TimeZone)) continue;
            if (away?.Contains(user.Id) == true) continue;
            string reason;
            if (followUps.Contains(user.Id)) reason = PulseReasons.FollowUp;
            else if ((!last.TryGetValue(user.Id, out var at) || now - at >= o.MinimumInterval) &&
                     calendar.IsSampled(user.Id, now, user.TimeZone))
                reason = PulseReasons.Scheduled;
            else continue;
            pending.Add(New(channel, user, reason, choice));
            created++;
            if (pending.Count < WriteBatch) continue;
            await store.CreateManyAsync(pending, ct);
            pending.Clear();
            await MarkAsync("running", ct);
        }
        await store.CreateManyAsync(pending, ct);
        await MarkAsync("done", ct);
        if (created > 0) logger.LogInformation("Queued {Count} pulses through {Channel}", created, channel.Name);
        return created;
    }

    private async Task MarkAsync(string state, CancellationToken ct)
    {
        if (marks is null) return;
        var at = time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        await marks.SetAsync(DispatchMark, $"{state}:{at}", ct);
    }

    // Without a chooser (or when it names nothing for a person) the configured set is asked.
    private async Task<Func<User, string?>?> ChoiceAsync(CancellationToken ct) =>
        chooser is null ? null : await chooser.ForRunAsync(time.GetUtcNow(), ct);

    /// <summary>
    /// Turns pulses that expired unanswered into weak no-answer signals, closing them in the same transaction; returns how many.
    /// </summary>
    public async Task<int> CloseExpiredAsync(CancellationToken ct)
    {
        var weight = O.NoAnswerWeight;
        var unanswered = await store.CloseExpiredAsync(time.GetUtcNow(),
            p => new Signal(p.UserId, SignalKinds.PulseNoAnswer, 0, weight, p.ExpiresAt, PulseSource(p.Id, 0)), ct);
        return unanswered.Count;
    }

    /// <summary>The signal source of an answer: <c>pulse:&lt;id&gt;</c>, with the question number after the first question.</summary>
    public static string PulseSource(Guid pulseId, int question) =>
        question == 0 ? $"pulse:{pulseId}" : $"pulse:{pulseId}:q{question + 1}";
}
