using Monitor.Core.Pulses;
using Monitor.Core.Users;
using Monitor.Probes.Pulse;
using Monitor.Probes.Pulse.Channels;
using Monitor.Worker.Exporter;
using Monitor.Worker.Storage;

namespace Monitor.Worker.Pulse;

/// <summary>
/// Renders the claimed pulses that were queued without their message (<see cref="PulseService.RenderedWhenSent"/>), just before
/// the outbox sender delivers them: composed from the pulse row and the person as the directory has them now, rendered by the
/// pulse's channel. The render is deterministic (links signed from the pulse, Message-Id and boundary from its id), so a message
/// sent again after a crash is the same message. Queueing then writes no message at all (half of PostgreSQL's WAL per pulse, and
/// most of the dispatch's CPU), and the rendering is spread over the send loops. A person who left the directory, unsubscribed
/// or lost their address on the channel in between is not sent the pulse: its outbox row is settled as not sent and the pulse
/// closed, with no "no answer" signal (docs/reliability.md). So is a pulse that expired while it waited in the outbox (a mail
/// server down for longer than a pulse lives): its links would only say "expired".
/// </summary>
public sealed class OutboxPulseRenderer(PulseRepository pulses, UserRepository users, Func<PulseComposer> composer, PulseChannels channels,
    ILogger<OutboxPulseRenderer> logger)
{
    /// <summary>The <c>last_error</c> of a pulse's outbox row settled without sending.</summary>
    public const string NotSent = "not sent: the person left the directory, unsubscribed or has no address on the channel";

    /// <summary>The <c>last_error</c> of a pulse's outbox row settled because the pulse expired before it could be sent.</summary>
    public const string Expired = "not sent: the pulse expired before it could be sent";

    /// <summary>
    /// The claimed messages ready to deliver: stored ones as they are, pulses queued without a message rendered. Those not to be
    /// sent are settled (and left out).
    /// </summary>
    public async Task<IReadOnlyList<OutboxMessage>> RenderAsync(string claimant, IReadOnlyList<OutboxMessage> claimed, DateTimeOffset now,
        CancellationToken ct)
    {
        if (!claimed.Any(m => m.PulseId is not null)) return claimed;
        var records = (await pulses.FindManyAsync(claimed.Where(m => m.PulseId is not null).Select(m => m.PulseId!.Value).ToList(), ct))
            .ToDictionary(p => p.Id);
        var deferred = claimed.Where(Deferred).Select(m => m.PulseId!.Value).ToHashSet();
        var people = (await users.FindManyAsync(records.Values.Where(p => deferred.Contains(p.Id)).Select(p => p.UserId)
                .Distinct(StringComparer.Ordinal).ToList(), ct))
            .ToDictionary(u => u.Id, StringComparer.Ordinal);
        var compose = deferred.Count > 0 ? composer() : null;
        var ready = new List<OutboxMessage>(claimed.Count);
        var unsent = new List<OutboxMessage>();
        var expired = new List<OutboxMessage>();
        foreach (var m in claimed)
        {
            var pulse = m.PulseId is { } id ? records.GetValueOrDefault(id) : null;
            if (pulse is not null && pulse.ExpiresAt <= now)
            {
                expired.Add(m);
                continue;
            }
            // A channel not registered here: delivered as is, where the sender's "no such channel" keeps it waiting.
            if (!Deferred(m) || channels.Find(m.Channel) is not { } channel)
            {
                ready.Add(m);
                continue;
            }
            if (pulse is not null && people.TryGetValue(pulse.UserId, out var user) && Reachable(user, channel))
            {
                var payload = channel.Render(compose!.Compose(user, pulse));
                ready.Add(m with { Recipient = payload.Recipient, Message = payload.Message });
            }
            else unsent.Add(m);
        }
        await SettleAsync(claimant, unsent, NotSent, now, ct);
        await SettleAsync(claimant, expired, Expired, now, ct);
        return ready;
    }

    private async Task SettleAsync(string claimant, List<OutboxMessage> rows, string reason, DateTimeOffset now, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        var settled = await pulses.SettleUnsentAsync(claimant, rows, reason, now, ct);
        MonitorMetrics.PulsesNotSent.Inc(settled);
        logger.LogInformation("Outbox: {Count} queued pulses settled unsent ({Reason})", settled, reason);
    }

    private static bool Deferred(OutboxMessage m) => m.PulseId is not null && m.Message == PulseService.RenderedWhenSent;

    private static bool Reachable(User user, IPulseChannel channel) => user.Active && !user.OptedOut && channel.CanReach(user);
}
