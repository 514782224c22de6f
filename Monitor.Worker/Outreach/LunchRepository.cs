using Dapper;
using Monitor.Worker.Storage;

namespace Monitor.Worker.Outreach;

/// <summary>A lunch: who drew it, the seed, the people drawn and who came.</summary>
public sealed record Lunch(Guid Id, DateTimeOffset DrawnAt, string DrawnBy, int Seed, IReadOnlyList<LunchInvitee> Invitees);

/// <param name="Attended">Null until attendance is recorded.</param>
public sealed record LunchInvitee(string UserId, bool? Attended);

/// <summary>Lunches with randomly chosen users, on either store.</summary>
public sealed class LunchRepository(Database db)
{
    /// <summary>Users invited to any lunch at or after <paramref name="since"/> (the cooldown).</summary>
    public async Task<HashSet<string>> InvitedSinceAsync(DateTimeOffset since, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var ids = await c.QueryAsync<string>(new CommandDefinition(
            "SELECT DISTINCT user_id FROM lunch_invitees WHERE invited_at >= @since", new { since }, cancellationToken: ct));
        return ids.ToHashSet(StringComparer.Ordinal);
    }

    public async Task CreateAsync(Lunch lunch, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO lunches (id, drawn_at, drawn_by, seed) VALUES (@Id, @DrawnAt, @DrawnBy, @Seed)",
            new { Id = lunch.Id.ToString(), lunch.DrawnAt, lunch.DrawnBy, lunch.Seed }, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO lunch_invitees (lunch_id, user_id, invited_at, attended) VALUES (@lunchId, @UserId, @at, NULL)",
            lunch.Invitees.Select(i => new { lunchId = lunch.Id.ToString(), i.UserId, at = lunch.DrawnAt }), tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
    }

    public async Task<Lunch?> FindAsync(Guid id, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var lunch = await c.QuerySingleOrDefaultAsync<LunchRow>(new CommandDefinition(
            "SELECT id, drawn_at, drawn_by, seed FROM lunches WHERE id = @id", new { id = id.ToString() }, cancellationToken: ct));
        if (lunch is null) return null;
        var invitees = await c.QueryAsync<InviteeRow>(new CommandDefinition(
            "SELECT user_id, attended FROM lunch_invitees WHERE lunch_id = @id ORDER BY user_id", new { id = id.ToString() },
            cancellationToken: ct));
        return new Lunch(id, lunch.DrawnAt, lunch.DrawnBy, (int)lunch.Seed,
            invitees.Select(i => new LunchInvitee(i.UserId, i.Attended)).ToList());
    }

    /// <summary>
    /// Records who came. Returns those who are marked as attending for the first time: each row turns true once, in
    /// one conditional update, so that two replicas (or a double submit) never make two lunch visits for one person.
    /// Invitees not in <paramref name="came"/> are marked absent unless already marked present.
    /// </summary>
    public async Task<IReadOnlyList<string>> RecordAttendanceAsync(Guid lunchId, IReadOnlyCollection<string> came,
        CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var newly = new List<string>();
        foreach (var userId in came.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var changed = await c.ExecuteAsync(new CommandDefinition(
                "UPDATE lunch_invitees SET attended = @yes WHERE lunch_id = @lunchId AND user_id = @userId " +
                "AND (attended IS NULL OR attended = @no)",
                new { lunchId = lunchId.ToString(), userId, yes = true, no = false }, tx, cancellationToken: ct));
            if (changed == 1) newly.Add(userId);
        }
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE lunch_invitees SET attended = @no WHERE lunch_id = @lunchId AND attended IS NULL",
            new { lunchId = lunchId.ToString(), no = false }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return newly;
    }

    private sealed class LunchRow
    {
        public string Id { get; set; } = "";
        public DateTimeOffset DrawnAt { get; set; }
        public string DrawnBy { get; set; } = "";
        public long Seed { get; set; }
    }

    private sealed class InviteeRow
    {
        public string UserId { get; set; } = "";
        public bool? Attended { get; set; }
    }
}
