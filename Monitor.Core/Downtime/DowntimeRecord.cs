namespace Monitor.Core.Downtime;

/// <summary>
/// A planned absence or change window: for a list of users or for a group (a department or a site), once between
/// <see cref="From"/> and <see cref="Until"/> or, with a <see cref="Recurrence"/>, on the occurrences that fall between
/// them. Every downtime ends by itself at <see cref="Until"/>; ending it early moves <see cref="Until"/> to that moment.
/// </summary>
public sealed record DowntimeRecord(
    Guid Id,
    IReadOnlyList<string> Users,
    string? GroupType,
    string? Group,
    DateTimeOffset From,
    DateTimeOffset Until,
    WeeklyRecurrence? Recurrence,
    string Reason,
    string Author,
    DateTimeOffset CreatedAt,
    string? EndedBy = null)
{
    public const int MaxReason = 500;
    public const int MaxAuthor = 200;

    /// <summary>How many users one downtime may list: a longer list is a group.</summary>
    public const int MaxUsers = 1000;

    /// <summary>The author of the downtimes the directory's <c>absent_until</c> column creates.</summary>
    public const string DirectoryAuthor = "directory";

    public static readonly IReadOnlyList<string> GroupTypes = ["department", "site"];

    public bool IsGroup => GroupType is not null;

    /// <summary>
    /// A one-off absence of named people at least <paramref name="longLeave"/> long (parental leave, a sabbatical): they
    /// are left out of group figures while it lasts. A change window (a group, or recurring) never is.
    /// </summary>
    public bool IsLongLeave(TimeSpan longLeave) => !IsGroup && Recurrence is null && Until - From >= longLeave;

    /// <summary>The periods this downtime covers inside [<paramref name="from"/>, <paramref name="until"/>), oldest first.</summary>
    public IEnumerable<(DateTimeOffset From, DateTimeOffset Until)> Occurrences(DateTimeOffset from, DateTimeOffset until)
    {
        var lo = from > From ? from : From;
        var hi = until < Until ? until : Until;
        if (lo >= hi) yield break;
        if (Recurrence is null)
        {
            yield return (lo, hi);
            yield break;
        }
        foreach (var (s, e) in Recurrence.Occurrences(From, Until))
        {
            if (s >= hi) yield break;
            if (e <= lo) continue;
            yield return (s > lo ? s : lo, e < hi ? e : hi);
        }
    }

    /// <summary>Whether this downtime covers the instant <paramref name="at"/>.</summary>
    public bool Covers(DateTimeOffset at) => Occurrences(at, at.AddTicks(1)).Any();

    /// <summary>Every problem of a downtime as requested, each naming its field; empty when it is fine.</summary>
    public static IReadOnlyList<string> Validate(int users, string? groupType, string? group, DateTimeOffset? from,
        DateTimeOffset? until, string? reason, string? author, DateTimeOffset now, TimeSpan maxLength)
    {
        var problems = new List<string>();
        var isGroup = groupType is not null || group is not null;
        if (users > 0 && isGroup) problems.Add("give either users or group_type and group, not both.");
        else if (users == 0 && !isGroup) problems.Add("users (a list of user ids) or group_type and group is required.");
        if (users > MaxUsers) problems.Add($"users lists {users} ids; at most {MaxUsers} (use a group).");
        if (isGroup && !GroupTypes.Contains(groupType ?? ""))
            problems.Add($"group_type must be one of {string.Join(", ", GroupTypes)}.");
        if (isGroup && string.IsNullOrWhiteSpace(group)) problems.Add("group is required with group_type: the group's name.");
        if (until is null) problems.Add("until is required: every downtime ends by itself.");
        var start = from ?? now;
        if (until is { } u)
        {
            if (u <= start) problems.Add("until must be after from.");
            else if (u - start > maxLength) problems.Add($"the downtime lasts {(u - start).TotalDays:0.#} days; at most " +
                $"{maxLength.TotalDays:0.#} (Downtime:MaxLength).");
            if (u <= now) problems.Add("until is in the past: the downtime would be over already.");
        }
        if (string.IsNullOrWhiteSpace(reason)) problems.Add("reason is required.");
        else if (reason.Length > MaxReason) problems.Add($"reason is {reason.Length} characters long; at most {MaxReason}.");
        if (author?.Length > MaxAuthor) problems.Add($"author is {author.Length} characters long; at most {MaxAuthor}.");
        return problems;
    }
}
