using Microsoft.Extensions.Options;
using Monitor.Core.Ports;
using Monitor.Core.Signals;
using Monitor.Core.Users;
using Monitor.Probes.Pulse;
using Monitor.Worker.Metrics;
using Monitor.Worker.Storage;

namespace Monitor.Worker.Pulse;

/// <summary>
/// The pulse probe: closes expired pulses (a weak <c>pulse_no_answer</c> each), then puts a pulse in the
/// outbox for every person who is due. The outbox sender delivers them.
/// </summary>
public sealed class PulseProbe(PulseService service) : IProbe
{
    public const string ProbeName = "pulse";

    public string Name => ProbeName;

    public async Task<ProbeResult> RunAsync(CancellationToken cancellationToken)
    {
        var expired = await service.CloseExpiredAsync(cancellationToken);
        var created = await service.DispatchAsync(cancellationToken);
        return ProbeResult.Ok($"{created} pulses queued, {expired} expired unanswered");
    }
}

/// <summary>Creates pulses (scheduled, follow-up or on demand) and settles expired ones.</summary>
public sealed class PulseService(PulseRepository repo, UserRepository users, SignalRepository signals, PulseMail mail,
    IOptions<PulseOptions> options, TimeProvider time, ILogger<PulseService> logger)
{
    private readonly PulseOptions _o = options.Value;

    /// <summary>How many pulses one transaction writes during a dispatch.</summary>
    private const int WriteBatch = 200;

    /// <summary>Writes the pulse and its message to the outbox (one transaction).</summary>
    public async Task<PulseRecord> CreateAsync(User user, string reason, CancellationToken ct)
    {
        var p = New(user, reason);
        await repo.CreateManyAsync([p], ct);
        return p.Pulse;
    }

    private NewPulse New(User user, string reason)
    {
        var now = time.GetUtcNow();
        var pulse = new PulseRecord(Guid.CreateVersion7(), user.Id, _o.QuestionSet, reason, now, now + _o.LinkValidity);
        return new NewPulse(pulse, user.Email, PulseMail.Serialise(mail.Compose(user, pulse)));
    }

    /// <summary>One pulse to every person who is due now; returns how many were queued.</summary>
    public async Task<int> DispatchAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var calendar = new PulseCalendar(_o.EffectiveBusinessDays(), _o.QuietUntil, _o.QuietFrom, _o.DailySampleRate);
        var last = await repo.LastPulseByUserAsync(ct);
        var followUps = await repo.FollowUpsDueAsync(now - _o.FollowUpAfter, ct);
        var created = 0;
        var pending = new List<NewPulse>();
        foreach (var user in await users.ListAsync(ct))
        {
            if (created >= _o.MaxPerRun) break;
            if (!user.Active || user.OptedOut || !calendar.IsAwake(now, user.TimeZone)) continue;
            string reason;
            if (followUps.Contains(user.Id)) reason = PulseRepository.Reasons.FollowUp;
            else if ((!last.TryGetValue(user.Id, out var at) || now - at >= _o.MinimumInterval) && calendar.IsSampled(user.Id, now, user.TimeZone))
                reason = PulseRepository.Reasons.Scheduled;
            else continue;
            pending.Add(New(user, reason));
            created++;
            if (pending.Count < WriteBatch) continue;
            await repo.CreateManyAsync(pending, ct);
            pending.Clear();
        }
        await repo.CreateManyAsync(pending, ct);
        if (created > 0) logger.LogInformation("Queued {Count} pulses", created);
        return created;
    }

    /// <summary>Turns pulses that expired unanswered into weak no-answer signals; refreshes the response ratio.</summary>
    public async Task<int> CloseExpiredAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var unanswered = await repo.CloseExpiredAsync(now, ct);
        if (unanswered.Count > 0)
        {
            await signals.WriteAsync(unanswered.Select(p =>
                new Signal(p.UserId, SignalKinds.PulseNoAnswer, 0, _o.NoAnswerWeight, p.ExpiresAt, PulseSource(p.Id, 0))).ToList(), ct);
        }
        if (await repo.ResponseRatioAsync(now.AddDays(-30), ct) is { } ratio) MonitorMetrics.PulseResponseRatio.Set(ratio);
        return unanswered.Count;
    }

    /// <summary>The signal source of an answer: <c>pulse:&lt;id&gt;</c>, with the question number after the first question.</summary>
    public static string PulseSource(Guid pulseId, int question) =>
        question == 0 ? $"pulse:{pulseId}" : $"pulse:{pulseId}:q{question + 1}";
}
