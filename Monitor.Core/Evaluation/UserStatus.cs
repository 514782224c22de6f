using Monitor.Core.Signals;

namespace Monitor.Core.Evaluation;

/// <summary>A user's current, stored state: what the metrics and the admin API show.</summary>
public sealed record UserStatus(
    string UserId,
    SatisfactionState State,
    double? Score,
    DateTimeOffset? LastSignalAt,
    bool Flapping,
    double FlapPercent,
    int SoftDownCount,
    DateTimeOffset StateSince,
    DateTimeOffset EvaluatedAt)
{
    public static UserStatus Initial(string userId, DateTimeOffset now) =>
        new(userId, SatisfactionState.Unknown, null, null, false, 0, 0, now, now);
}

/// <summary>One transition of the state-change log, with the signals that caused it.</summary>
public sealed record StateChange(
    string UserId,
    SatisfactionState From,
    SatisfactionState To,
    DateTimeOffset ChangedAt,
    double? Score,
    IReadOnlyList<SignalRef> Causes);

/// <summary>A signal named as a cause: enough to find it again, without its free text.</summary>
public sealed record SignalRef(string Kind, string Source, double Score, DateTimeOffset ObservedAt)
{
    public static SignalRef Of(Signal s) => new(s.Kind, s.Source, s.Score, s.ObservedAt);
}

/// <summary>On-call's acknowledgement of a down user. Not sticky: it ends when the user leaves down.</summary>
public sealed record Acknowledgement(
    string UserId,
    string By,
    string? Comment,
    DateTimeOffset At,
    DateTimeOffset? ExpiresAt)
{
    /// <summary>Whether the acknowledgement still holds for a user now in <paramref name="state"/>.</summary>
    public bool HoldsFor(SatisfactionState state, DateTimeOffset now) =>
        state == SatisfactionState.Down && (ExpiresAt is null || ExpiresAt > now);
}

/// <summary>Applies an assessment to a user's stored status.</summary>
public static class Transition
{
    /// <summary>The new status, and the state change to log when the state moved.</summary>
    public static (UserStatus Status, StateChange? Change) Apply(UserStatus previous, Assessment a, DateTimeOffset now)
    {
        var moved = previous.State != a.State;
        var status = new UserStatus(previous.UserId, a.State, a.Score, a.LastSignalAt, a.Flapping, a.FlapPercent,
            a.SoftDownCount, moved ? now : previous.StateSince, now);
        var change = moved
            ? new StateChange(previous.UserId, previous.State, a.State, now, a.Score, a.Causes.Select(SignalRef.Of).ToList())
            : null;
        return (status, change);
    }
}
