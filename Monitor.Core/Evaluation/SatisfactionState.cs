namespace Monitor.Core.Evaluation;

/// <summary>A user's state, numbered as exported in <c>satisfaction_user_state</c>.</summary>
public enum SatisfactionState
{
    /// <summary>No signal inside the stale window, like an unreachable host.</summary>
    Unknown = 0,
    /// <summary>Satisfied (green).</summary>
    Up = 1,
    /// <summary>At risk (amber).</summary>
    Degraded = 2,
    /// <summary>Dissatisfied (red): this is what pages on-call.</summary>
    Down = 3,
}
