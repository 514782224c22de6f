namespace Monitor.Core.Ports;

/// <summary>
/// One user's planned absence or change window, resolved to that user: a group downtime gives one span per member,
/// a recurring one a span per occurrence. <paramref name="LongLeave"/> marks an absence long enough that the user is
/// left out of group figures while it lasts.
/// </summary>
public sealed record DowntimeSpan(string UserId, DateTimeOffset From, DateTimeOffset Until, bool LongLeave);

/// <summary>
/// Scheduled downtime as the rest of the monitor reads it: who is in downtime now (no pulses, no alerts) and which
/// spans overlap a past window (experience objectives and reports leave them out). Signals are recorded regardless.
/// </summary>
public interface IDowntimeCalendar
{
    /// <summary>The ids of the users in downtime at <paramref name="at"/>.</summary>
    Task<IReadOnlySet<string>> UsersInDowntimeAsync(DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The users in downtime at <paramref name="at"/>, each with whether they are on long leave.</summary>
    Task<IReadOnlyDictionary<string, bool>> InDowntimeAsync(DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Every span that overlaps [<paramref name="from"/>, <paramref name="until"/>), per user.</summary>
    Task<IReadOnlyList<DowntimeSpan>> SpansAsync(DateTimeOffset from, DateTimeOffset until, CancellationToken cancellationToken);
}

/// <summary>The calendar of a monitor with no downtime scheduled.</summary>
public sealed class NoDowntime : IDowntimeCalendar
{
    private static readonly IReadOnlySet<string> None = new HashSet<string>(StringComparer.Ordinal);

    public Task<IReadOnlySet<string>> UsersInDowntimeAsync(DateTimeOffset at, CancellationToken cancellationToken) =>
        Task.FromResult(None);

    public Task<IReadOnlyDictionary<string, bool>> InDowntimeAsync(DateTimeOffset at, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, bool>>(new Dictionary<string, bool>());

    public Task<IReadOnlyList<DowntimeSpan>> SpansAsync(DateTimeOffset from, DateTimeOffset until, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DowntimeSpan>>([]);
}
