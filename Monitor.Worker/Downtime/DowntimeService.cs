using Microsoft.Extensions.Options;
using Monitor.Core.Downtime;

namespace Monitor.Worker.Downtime;

/// <summary>What a person or a caller asks for: the API's body and the console's form both become one of these.</summary>
public sealed record DowntimeRequest(IReadOnlyList<string>? Users, string? GroupType, string? Group, DateTimeOffset? From,
    DateTimeOffset? Until, string? Reason, WeeklyRecurrence? Recurrence, IReadOnlyList<string>? RecurrenceProblems = null);

/// <summary>Creates downtimes after checking them whole: every problem is reported at once, and each refusal counted.</summary>
public sealed class DowntimeService(DowntimeRepository store, IOptions<DowntimeOptions> options, TimeProvider time,
    ILogger<DowntimeService> logger)
{
    /// <summary>The downtime created, or the reason (a fixed word, the counter's label) and the problems of a refusal.</summary>
    public async Task<(DowntimeRecord? Created, string? Reason, IReadOnlyList<string> Problems)> CreateAsync(DowntimeRequest r,
        string author, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var users = (r.Users ?? []).Select(u => u?.Trim() ?? "").Where(u => u.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        var groupType = string.IsNullOrWhiteSpace(r.GroupType) ? null : r.GroupType.Trim().ToLowerInvariant();
        var group = string.IsNullOrWhiteSpace(r.Group) ? null : r.Group.Trim();
        var problems = DowntimeRecord.Validate(users.Count, groupType, group, r.From, r.Until, r.Reason, author, now,
            options.Value.MaxLength).Concat(r.RecurrenceProblems ?? []).ToList();
        if (problems.Count > 0) return Refuse("invalid", problems);
        if (groupType is null && await store.UnknownUsersAsync(users, ct) is { Count: > 0 } unknown)
            return Refuse("unknown_users", [$"No such users in the directory: {string.Join(", ", unknown.Take(20))}."]);
        if (groupType is not null && (await store.MembersAsync(groupType, group!, ct)).Count == 0)
            return Refuse("unknown_group", [$"The directory has nobody in {groupType} '{group}'."]);
        var d = new DowntimeRecord(Guid.CreateVersion7(), groupType is null ? users : [], groupType, group, r.From ?? now, r.Until!.Value,
            r.Recurrence, r.Reason!.Trim(), author.Trim(), now);
        await store.CreateAsync(d, ct);
        logger.LogInformation("Downtime {Id} created by {Author} for {Scope} from {From:O} until {Until:O}", d.Id, d.Author,
            d.IsGroup ? $"{d.GroupType} {d.Group}" : $"{d.Users.Count} users", d.From, d.Until);
        return (d, null, []);
    }

    private (DowntimeRecord?, string?, IReadOnlyList<string>) Refuse(string reason, IReadOnlyList<string> problems)
    {
        DowntimeMetrics.Rejected.WithLabels(reason).Inc();
        // Logged once, without what was typed beyond the problems themselves.
        logger.LogInformation("Downtime refused ({Reason}): {Problems}", reason, string.Join(" ", problems));
        return (null, reason, problems);
    }
}
