using Monitor.Core.Evaluation;

namespace Monitor.Core.Dependencies;

/// <summary>
/// Alert suppression as network monitors learned it: an incident on a parent suppresses the CREATION of a user's
/// alert, never the evaluation of their state or the recovery. A user already down when the incident opened keeps
/// alerting (and resolves normally); one who turns down while an incident on any of their ancestors is open does not
/// alert while it lasts, and does once it is resolved if still down.
/// </summary>
public static class IncidentSuppression
{
    /// <summary>
    /// For one user: the open incident they are under (the oldest; null when none), and the incident that suppresses
    /// their alert (the oldest open incident over them that was already open when they turned down; null when none).
    /// </summary>
    /// <param name="open">Open incidents, oldest first.</param>
    public static (Incident? Under, Incident? Suppressing) For(IReadOnlySet<string> ancestors, SatisfactionState state,
        DateTimeOffset? stateSince, IReadOnlyList<Incident> open)
    {
        Incident? under = null;
        foreach (var incident in open)
        {
            if (!ancestors.Contains(incident.Parent)) continue;
            under ??= incident;
            if (state == SatisfactionState.Down && stateSince is { } since && since >= incident.OpenedAt) return (under, incident);
        }
        return (under, null);
    }
}
