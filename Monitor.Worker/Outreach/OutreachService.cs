using Microsoft.Extensions.Options;
using Monitor.Core.Evaluation;
using Monitor.Core.Outreach;
using Monitor.Core.Ports;
using Monitor.Core.Signals;
using Monitor.Core.Users;
using Monitor.Worker.Storage;

namespace Monitor.Worker.Outreach;

/// <summary>Records visits (each one a touchpoint signal), builds "who to visit", draws lunches and records who came.</summary>
public sealed class OutreachService(VisitRepository visits, LunchRepository lunches, UserRepository users, BoardRepository board,
    ISignalSink signals, IOptions<OutreachOptions> options, TimeProvider time)
{
    /// <summary>
    /// Stores the visit, then its touchpoint signal (source <c>visit:&lt;id&gt;</c>, the feeling as score). The signal
    /// is written after the visit: a crash in between loses one signal, never invents a visit.
    /// </summary>
    public async Task<Visit> RecordAsync(Visit visit, CancellationToken ct)
    {
        await visits.InsertAsync(visit, time.GetUtcNow(), ct);
        if (visit.Feeling is { } feeling)
        {
            await signals.WriteAsync([new Signal(visit.UserId, SignalKinds.Touchpoint, feeling, 1.0, visit.At, $"visit:{visit.Id}")], ct);
        }
        return visit;
    }

    public async Task<IReadOnlyList<OutreachLine>> WhoToVisitAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var o = options.Value;
        var directory = await users.ListAsync(ct);
        var rows = (await board.LoadAsync(now, ct)).ToDictionary(r => r.UserId, StringComparer.Ordinal);
        var last = await visits.LastVisitsAsync(ct);
        var tickets = await visits.LastTicketSignalsAsync(now.AddDays(-o.TicketWindowDays), ct);
        var unhappy = await visits.UnhappySinceAsync(ct);
        var facts = directory.Select(u =>
        {
            var row = rows.GetValueOrDefault(u.Id);
            var state = row?.State ?? SatisfactionState.Unknown;
            var since = state is SatisfactionState.Down or SatisfactionState.Degraded
                ? unhappy.TryGetValue(u.Id, out var s) ? s : row?.StateSince
                : null;
            return new OutreachFacts(u, state, since, last.GetValueOrDefault(u.Id),
                tickets.TryGetValue(u.Id, out var t) ? t : null);
        });
        return WhoToVisit.Compute(facts, now, o.Rules);
    }

    /// <summary>Draws <paramref name="count"/> people and stores the lunch with its invitees.</summary>
    public async Task<(Lunch Lunch, IReadOnlyList<User> Drawn)> DrawLunchAsync(int count, int? seed, string by, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var recent = await lunches.InvitedSinceAsync(now - options.Value.LunchCooldown, ct);
        var chosenSeed = seed ?? Random.Shared.Next();
        var drawn = LunchDraw.Draw(await users.ListAsync(ct), recent, count, chosenSeed);
        var lunch = new Lunch(Guid.CreateVersion7(), now, by, chosenSeed, drawn.Select(u => new LunchInvitee(u.Id, null)).ToList());
        if (drawn.Count > 0) await lunches.CreateAsync(lunch, ct);
        return (lunch, drawn);
    }

    /// <summary>Marks who came; each newcomer gets one visit of kind lunch (no feeling: nobody asked). Null: no such lunch.</summary>
    public async Task<IReadOnlyList<Visit>?> RecordAttendanceAsync(Guid lunchId, IReadOnlyCollection<string> came, string by,
        CancellationToken ct)
    {
        var lunch = await lunches.FindAsync(lunchId, ct);
        if (lunch is null) return null;
        var invited = lunch.Invitees.Select(i => i.UserId).ToHashSet(StringComparer.Ordinal);
        var strangers = came.Where(id => !invited.Contains(id)).ToList();
        if (strangers.Count > 0) throw new ArgumentException($"not invited to this lunch: {string.Join(", ", strangers)}");
        var now = time.GetUtcNow();
        var made = new List<Visit>();
        foreach (var userId in await lunches.RecordAttendanceAsync(lunchId, came, ct))
        {
            made.Add(await RecordAsync(new Visit(Guid.CreateVersion7(), userId, VisitKinds.Lunch, null, by, now, null, null, lunchId), ct));
        }
        return made;
    }
}
