using System.Diagnostics;
using Microsoft.Extensions.Options;
using Monitor.Core.Evaluation;
using Monitor.Core.Signals;
using Monitor.Worker.Exporter;
using Monitor.Worker.Privacy;
using Monitor.Worker.Storage;

namespace Monitor.Worker.Evaluation;

/// <summary>
/// Re-evaluates users: incrementally (only users with new signals, or new to the directory) on every
/// cycle, and fully (every user) on a sweep, which catches staleness and anything a crash left behind.
/// </summary>
public sealed class Evaluator(
    UserRepository users,
    SignalRepository signals,
    StateRepository states,
    AcknowledgementRepository acknowledgements,
    IOptions<EvaluationOptions> options,
    TimeProvider time,
    ILogger<Evaluator> logger,
    IUserLogName? logNames = null)
{
    private const int Batch = 2000;
    private readonly StateMachine _machine = new(options.Value);

    /// <summary>Evaluates the users whose signals changed since the last cycle.</summary>
    public async Task<EvaluationCycle> RunIncrementalAsync(CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var total = new EvaluationCycle(0, 0);
        while (true)
        {
            var dirty = await states.TakeDirtyAsync(Batch, ct);
            if (dirty.Count == 0) break;
            // A leaver's late signal is kept but does not bring them back onto the board.
            total += await EvaluateAsync(await users.InDirectoryAsync(dirty, ct), ct);
            if (dirty.Count < Batch) break;
        }
        return Report(total, started, full: false);
    }

    /// <summary>Evaluates every user in the directory.</summary>
    public async Task<EvaluationCycle> RunFullAsync(CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var now = time.GetUtcNow();
        // Ids only: the sweep of a large directory holds no user records.
        var pending = await users.IdsAsync(ct);
        var total = new EvaluationCycle(0, 0);
        // One ordered pass over the window's signals rather than a lookup per batch: the store reads
        // them in index order, whatever its planner thinks of long id lists after a bulk load.
        var batch = new Dictionary<string, List<Signal>>(StringComparer.Ordinal);
        await foreach (var signal in signals.StreamAsync(now - options.Value.Window, ct))
        {
            if (!pending.Contains(signal.UserId)) continue; // a leaver's signals stay, unevaluated
            if (!batch.TryGetValue(signal.UserId, out var list))
            {
                if (batch.Count == Batch)
                {
                    total += await EvaluateLoadedAsync(batch.Keys.ToList(), batch, now, ct);
                    pending.ExceptWith(batch.Keys);
                    batch.Clear();
                }
                batch[signal.UserId] = list = [];
            }
            list.Add(signal);
        }
        total += await EvaluateLoadedAsync(batch.Keys.ToList(), batch, now, ct);
        pending.ExceptWith(batch.Keys);
        // Users without a signal in the window: unknown.
        foreach (var chunk in pending.Chunk(Batch)) total += await EvaluateLoadedAsync(chunk, new(), now, ct);
        return Report(total, started, full: true);
    }

    /// <summary>Evaluates the given users now and stores what changed.</summary>
    public async Task<EvaluationCycle> EvaluateAsync(IReadOnlyCollection<string> userIds, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var bySignal = await signals.ForUsersAsync(userIds, now - options.Value.Window, ct);
        return await EvaluateLoadedAsync(userIds, bySignal, now, ct);
    }

    private async Task<EvaluationCycle> EvaluateLoadedAsync(IReadOnlyCollection<string> userIds,
        Dictionary<string, List<Signal>> bySignal, DateTimeOffset now, CancellationToken ct)
    {
        if (userIds.Count == 0) return new EvaluationCycle(0, 0);
        var previous = await states.LoadAsync(userIds, ct);
        var acks = await acknowledgements.LoadAsync(userIds, ct);

        var statuses = new List<UserStatus>(userIds.Count);
        var changes = new List<StateChange>();
        var endedAcks = new List<string>();
        foreach (var id in userIds)
        {
            var assessment = _machine.Evaluate(bySignal.GetValueOrDefault(id) ?? [], now);
            var before = previous.GetValueOrDefault(id);
            var (status, change) = Transition.Apply(before ?? UserStatus.Initial(id, now), assessment, now);
            if (before is null || !SameState(before, status)) statuses.Add(status);
            if (change is not null) changes.Add(change);
            // An acknowledgement that expires while the user is still down stays, no longer holding, as the record
            // of the lapse (the notice on-call gets and the console shows); it goes when the user leaves down.
            if (acks.ContainsKey(id) && status.State != SatisfactionState.Down) endedAcks.Add(id);
        }
        await states.SaveAsync(statuses, changes, endedAcks, ct);
        foreach (var c in changes)
        {
            MonitorMetrics.StateChanges.WithLabels(c.To.ToString().ToLowerInvariant()).Inc();
            logger.LogInformation("User {User} went {From} -> {To} (score {Score}, caused by {Causes})",
                logNames?.For(c.UserId) ?? c.UserId, c.From, c.To, c.Score,
                // A source can carry what a ticket system sent (a ticket id with a newline, NUL or bidi override).
                string.Join(", ", c.Causes.Select(s => $"{s.Kind}:{Monitor.Core.LogSafe.Value(s.Source, 400)}")));
        }
        return new EvaluationCycle(userIds.Count, changes.Count);
    }

    // Writing only what moved keeps a full sweep of a large directory cheap.
    private static bool SameState(UserStatus a, UserStatus b) =>
        a.State == b.State && a.Score == b.Score && a.LastSignalAt == b.LastSignalAt && a.Flapping == b.Flapping &&
        a.SoftDownCount == b.SoftDownCount && Math.Abs(a.FlapPercent - b.FlapPercent) < 1e-9;

    private EvaluationCycle Report(EvaluationCycle cycle, long started, bool full)
    {
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        MonitorMetrics.EvaluationDuration.Set(seconds);
        MonitorMetrics.EvaluationUsers.Set(cycle.Users);
        if (cycle.Users > 0 || full)
        {
            logger.LogInformation("{Kind} evaluation: {Users} users, {Changes} state changes in {Seconds:F3} s",
                full ? "Full" : "Incremental", cycle.Users, cycle.Changes, seconds);
        }
        return cycle;
    }
}

public readonly record struct EvaluationCycle(int Users, int Changes)
{
    public static EvaluationCycle operator +(EvaluationCycle a, EvaluationCycle b) => new(a.Users + b.Users, a.Changes + b.Changes);
}
