using Monitor.Core.Ports;
using Monitor.Core.Pulses;
using Monitor.Core.Signals;

namespace Monitor.Tests.Pulse.Fakes;

/// <summary>The pulse and outbox ports in memory, with the semantics of PulseRepository (tested on both real stores).</summary>
/// <param name="signals">Where answers and no-answer signals go (a fresh sink when not given).</param>
public sealed class InMemoryPulseStore(RecordingSignalSink? signals = null) : IPulseStore, IOutboxStore
{
    /// <summary>The signals the settled pulses wrote.</summary>
    public RecordingSignalSink Signals { get; } = signals ?? new RecordingSignalSink();

    private readonly Dictionary<Guid, PulseRecord> _pulses = [];
    private readonly HashSet<Guid> _closed = [];
    private readonly List<(Guid Pulse, int Answer, DateTimeOffset At)> _hits = [];
    private readonly List<Row> _outbox = [];

    /// <summary>Acknowledgements of down users, as the evaluator's store would hold them.</summary>
    public Dictionary<string, DateTimeOffset> Acknowledged { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<PulseRecord> Pulses => [.. _pulses.Values];

    public IReadOnlyList<NewPulse> Created { get; private set; } = [];

    public IReadOnlyList<OutboxMessage> Outbox => _outbox.Select(r => r.Message).ToList();

    public IReadOnlyList<OutboxMessage> Sent => _outbox.Where(r => r.SentAt is not null).Select(r => r.Message).ToList();

    public Task CreateManyAsync(IReadOnlyCollection<NewPulse> pulses, CancellationToken cancellationToken)
    {
        foreach (var n in pulses)
        {
            _pulses.Add(n.Pulse.Id, n.Pulse);
            _outbox.Add(new Row(new OutboxMessage(Guid.NewGuid(), n.Pulse.Id, n.Channel, n.Recipient, n.Message, 0), n.Pulse.CreatedAt));
        }
        Created = [.. Created, .. pulses];
        return Task.CompletedTask;
    }

    public Task<PulseRecord?> FindAsync(Guid id, CancellationToken cancellationToken) => Task.FromResult(_pulses.GetValueOrDefault(id));

    public Task<Dictionary<string, DateTimeOffset>> LastPulseByUserAsync(CancellationToken cancellationToken) =>
        Task.FromResult(_pulses.Values.GroupBy(p => p.UserId)
            .ToDictionary(g => g.Key, g => g.Max(p => p.CreatedAt), StringComparer.Ordinal));

    public Task<HashSet<string>> FollowUpsDueAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        Task.FromResult(Acknowledged.Where(a => a.Value <= cutoff && !_pulses.Values.Any(p => p.UserId == a.Key && p.CreatedAt > a.Value))
            .Select(a => a.Key).ToHashSet(StringComparer.Ordinal));

    public Task<int> RecordLinkHitAsync(Guid pulseId, int answer, DateTimeOffset now, DateTimeOffset since,
        CancellationToken cancellationToken)
    {
        _hits.Add((pulseId, answer, now));
        return DistinctAnswersFetchedAsync(pulseId, since, cancellationToken);
    }

    public Task<int> DistinctAnswersFetchedAsync(Guid pulseId, DateTimeOffset since, CancellationToken cancellationToken) =>
        Task.FromResult(_hits.Where(h => h.Pulse == pulseId && h.At >= since).Select(h => h.Answer).Distinct().Count());

    public Task MarkHoneypotAsync(Guid pulseId, DateTimeOffset now, CancellationToken cancellationToken) =>
        Update(pulseId, p => p with { HoneypotAt = now });

    public Task MarkAnsweredAsync(Guid pulseId, DateTimeOffset now, CancellationToken cancellationToken) =>
        Update(pulseId, p => p with { AnsweredAt = p.AnsweredAt ?? now });

    /// <summary>What the mail server's acceptance does: the pulse counts as sent (scanner judgement needs it).</summary>
    public Task MarkSentAsync(Guid pulseId, DateTimeOffset now) => Update(pulseId, p => p with { SentAt = now });

    public async Task<string?> RecordAnswerAsync(PulseAnswerWrite answer, CancellationToken cancellationToken)
    {
        var s = answer.Signal;
        var earlier = Signals.Signals.FirstOrDefault(x => x.UserId == s.UserId && x.Kind == s.Kind && x.Source == s.Source);
        if (answer.KeepComment && earlier is not null) s = s with { Comment = earlier.Comment };
        await Signals.ReplaceAsync(s, cancellationToken);
        await MarkAnsweredAsync(answer.PulseId, s.ObservedAt, cancellationToken);
        return s.Comment;
    }

    public async Task<IReadOnlyList<PulseRecord>> CloseExpiredAsync(DateTimeOffset now, Func<PulseRecord, Signal> noAnswer,
        CancellationToken cancellationToken)
    {
        var expired = _pulses.Values.Where(p => !_closed.Contains(p.Id) && p.ExpiresAt <= now).ToList();
        var unanswered = expired.Where(p => p.AnsweredAt is null && p.SentAt is not null).ToList();
        var built = unanswered.Select(noAnswer).ToList();
        if (built.FirstOrDefault(x => x.Validate() is not null) is { } bad) throw new ArgumentException(bad.Validate());
        _closed.UnionWith(expired.Select(p => p.Id));
        await Signals.WriteAsync(built, cancellationToken);
        return unanswered;
    }

    public Task<double?> ResponseRatioAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var recent = _pulses.Values.Where(p => p.CreatedAt >= since).ToList();
        var settled = recent.Count(p => p.AnsweredAt is not null || (_closed.Contains(p.Id) && p.SentAt is not null));
        return Task.FromResult<double?>(settled == 0 ? null : (double)recent.Count(p => p.AnsweredAt is not null) / settled);
    }

    public Task<IReadOnlyList<OutboxMessage>> ClaimAsync(string claimant, DateTimeOffset now, DateTimeOffset until, int limit,
        CancellationToken cancellationToken)
    {
        var claimed = _outbox.Where(r => r.SentAt is null && r.NextAttemptAt <= now && (r.ClaimedUntil is null || r.ClaimedUntil < now))
            .OrderBy(r => r.NextAttemptAt).Take(limit).ToList();
        foreach (var r in claimed) (r.ClaimedBy, r.ClaimedUntil) = (claimant, until);
        return Task.FromResult<IReadOnlyList<OutboxMessage>>(claimed.Select(r => r.Message).ToList());
    }

    public Task<int> RenewAsync(string claimant, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var held = Held(claimant, null);
        foreach (var r in held) r.ClaimedUntil = until;
        return Task.FromResult(held.Count);
    }

    public Task<int> MarkSentAsync(string claimant, IReadOnlyCollection<OutboxMessage> sent, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var held = Held(claimant, sent);
        foreach (var r in held)
        {
            (r.SentAt, r.ClaimedUntil) = (now, null);
            if (r.Message.PulseId is { } id) _ = MarkSentAsync(id, now);
        }
        return Task.FromResult(held.Count);
    }

    public Task MarkFailedAsync(string claimant, IReadOnlyCollection<OutboxMessage> failed, DateTimeOffset nextAttempt, string error,
        CancellationToken cancellationToken)
    {
        foreach (var r in Held(claimant, failed))
        {
            (r.NextAttemptAt, r.ClaimedBy, r.ClaimedUntil, r.LastError) = (nextAttempt, null, null, error);
            r.Message = r.Message with { Attempts = r.Message.Attempts + 1 };
        }
        return Task.CompletedTask;
    }

    public Task ReleaseAsync(string claimant, IReadOnlyCollection<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        foreach (var r in Held(claimant, messages)) (r.ClaimedBy, r.ClaimedUntil) = (null, null);
        return Task.CompletedTask;
    }

    private List<Row> Held(string claimant, IReadOnlyCollection<OutboxMessage>? among) =>
        _outbox.Where(r => r.SentAt is null && r.ClaimedBy == claimant && (among is null || among.Any(m => m.Id == r.Message.Id))).ToList();

    public Task EnqueueAsync(IReadOnlyCollection<OutboxDraft> drafts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var d in drafts) _outbox.Add(new Row(new OutboxMessage(Guid.NewGuid(), null, d.Channel, d.Recipient, d.Message, 0), now));
        return Task.CompletedTask;
    }

    public Task<long> BacklogAsync(CancellationToken cancellationToken) => Task.FromResult((long)_outbox.Count(r => r.SentAt is null));

    /// <summary>The last error of the message of this pulse, when its delivery failed.</summary>
    public string? LastError(Guid pulseId) => _outbox.Single(r => r.Message.PulseId == pulseId).LastError;

    private Task Update(Guid id, Func<PulseRecord, PulseRecord> change)
    {
        if (_pulses.TryGetValue(id, out var p)) _pulses[id] = change(p);
        return Task.CompletedTask;
    }

    private sealed class Row(OutboxMessage message, DateTimeOffset nextAttemptAt)
    {
        public OutboxMessage Message { get; set; } = message;
        public DateTimeOffset NextAttemptAt { get; set; } = nextAttemptAt;
        public string? ClaimedBy { get; set; }
        public DateTimeOffset? ClaimedUntil { get; set; }
        public DateTimeOffset? SentAt { get; set; }
        public string? LastError { get; set; }
    }
}
