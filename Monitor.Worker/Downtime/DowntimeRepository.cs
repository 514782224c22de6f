using Dapper;
using Monitor.Core.Downtime;
using Monitor.Worker.Storage;

namespace Monitor.Worker.Downtime;

/// <summary>Downtimes and the users they list, on either store (migration 0012).</summary>
public sealed class DowntimeRepository(Database db)
{
    private const string Columns =
        "id, group_type, group_name, starts_at, ends_at, days, day_start, day_end, time_zone, reason, author, created_at, ended_by";

    // Fixed texts per group type: the column is never built from input.
    private const string DepartmentMembers = "SELECT id FROM users WHERE removed_at IS NULL AND department = @group";
    private const string SiteMembers = "SELECT id FROM users WHERE removed_at IS NULL AND site = @group";

    public async Task CreateAsync(DowntimeRecord d, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var r = d.Recurrence;
        await c.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO downtimes ({Columns}) VALUES (@Id, @GroupType, @Group, @From, @Until, @Days, @DayStart, @DayEnd, @TimeZone,
                @Reason, @Author, @CreatedAt, NULL)
            """,
            new
            {
                Id = d.Id.ToString(), d.GroupType, d.Group, d.From, d.Until, Days = r?.DaysText, DayStart = r?.Start.ToString("HH:mm"),
                DayEnd = r?.End.ToString("HH:mm"), TimeZone = r?.TimeZone, d.Reason, d.Author, d.CreatedAt,
            }, tx, cancellationToken: ct));
        var id = d.Id.ToString();
        await db.Dialect.InsertManyAsync(c, tx, "INSERT INTO downtime_users (downtime_id, user_id)", d.Users.Distinct(StringComparer.Ordinal),
            u => [id, u], "", ct);
        await tx.CommitAsync(ct);
    }

    public async Task<DowntimeRecord?> FindAsync(Guid id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM downtimes WHERE id = @id", new { id = id.ToString() }, cancellationToken: ct));
        return row is null ? null : (await WithUsersAsync([row], ct))[0];
    }

    /// <summary>The downtimes that start before <paramref name="until"/> and end after <paramref name="from"/>, by start.</summary>
    public async Task<IReadOnlyList<DowntimeRecord>> OverlappingAsync(DateTimeOffset from, DateTimeOffset until, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = (await c.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM downtimes WHERE ends_at > @from AND starts_at < @until ORDER BY starts_at, id",
            new { from, until }, cancellationToken: ct))).ToList();
        return await WithUsersAsync(rows, ct);
    }

    /// <summary>
    /// Ends a downtime: one that has started ends now (what happened stays for the reports), one still to come is
    /// deleted. False when there is no such downtime or it is over already.
    /// </summary>
    public async Task<bool> EndAsync(Guid id, string by, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var p = new { id = id.ToString(), by, now };
        var ended = await c.ExecuteAsync(new CommandDefinition(
            "UPDATE downtimes SET ends_at = @now, ended_by = @by WHERE id = @id AND starts_at <= @now AND ends_at > @now", p, tx,
            cancellationToken: ct));
        if (ended == 0)
        {
            await c.ExecuteAsync(new CommandDefinition(
                "DELETE FROM downtime_users WHERE downtime_id IN (SELECT id FROM downtimes WHERE id = @id AND starts_at > @now)", p, tx,
                cancellationToken: ct));
            ended = await c.ExecuteAsync(new CommandDefinition(
                "DELETE FROM downtimes WHERE id = @id AND starts_at > @now", p, tx, cancellationToken: ct));
        }
        await tx.CommitAsync(ct);
        return ended > 0;
    }

    /// <summary>The current and future downtimes the directory's <c>absent_until</c> made, by the one user each lists.</summary>
    public async Task<IReadOnlyDictionary<string, DowntimeRecord>> DirectoryAbsencesAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = (await c.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM downtimes WHERE author = @author AND ends_at > @now ORDER BY starts_at, id",
            new { author = DowntimeRecord.DirectoryAuthor, now }, cancellationToken: ct))).ToList();
        var result = new Dictionary<string, DowntimeRecord>(StringComparer.Ordinal);
        foreach (var d in await WithUsersAsync(rows, ct))
            foreach (var u in d.Users) result[u] = d;
        return result;
    }

    /// <summary>Moves the end of a downtime (the directory changed the last day of an absence).</summary>
    public async Task SetEndAsync(Guid id, DateTimeOffset until, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition("UPDATE downtimes SET ends_at = @until WHERE id = @id",
            new { id = id.ToString(), until }, cancellationToken: ct));
    }

    /// <summary>The directory's ids of the members of a department or a site now.</summary>
    public async Task<IReadOnlyList<string>> MembersAsync(string groupType, string group, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var sql = groupType == "site" ? SiteMembers : DepartmentMembers;
        return (await c.QueryAsync<string>(new CommandDefinition(sql, new { group }, cancellationToken: ct))).ToList();
    }

    /// <summary>The ids among <paramref name="userIds"/> that the directory does not hold.</summary>
    public async Task<IReadOnlyList<string>> UnknownUsersAsync(IReadOnlyCollection<string> userIds, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var known = (await c.QueryChunkedAsync<string>(
            $"SELECT id FROM users WHERE removed_at IS NULL AND {db.Dialect.InChunk("id")}", userIds, ct: ct)).ToHashSet(StringComparer.Ordinal);
        return userIds.Where(u => !known.Contains(u)).ToList();
    }

    /// <summary>Deletes downtimes that ended before <paramref name="before"/>, with their users; returns how many.</summary>
    public async Task<int> PruneAsync(DateTimeOffset before, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(
            "DELETE FROM downtime_users WHERE downtime_id IN (SELECT id FROM downtimes WHERE ends_at < @before)", new { before }, tx,
            cancellationToken: ct));
        var n = await c.ExecuteAsync(new CommandDefinition("DELETE FROM downtimes WHERE ends_at < @before", new { before }, tx,
            cancellationToken: ct));
        await tx.CommitAsync(ct);
        return n;
    }

    private async Task<IReadOnlyList<DowntimeRecord>> WithUsersAsync(IReadOnlyList<Row> rows, CancellationToken ct)
    {
        var listed = rows.Where(r => r.GroupType is null).Select(r => r.Id).ToList();
        var users = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (listed.Count > 0)
        {
            await using var c = await db.OpenAsync(ct);
            foreach (var (id, user) in await c.QueryChunkedAsync<(string, string)>(
                $"SELECT downtime_id, user_id FROM downtime_users WHERE {db.Dialect.InChunk("downtime_id")} ORDER BY user_id", listed, ct: ct))
            {
                if (!users.TryGetValue(id, out var list)) users[id] = list = [];
                list.Add(user);
            }
        }
        return rows.Select(r => r.ToRecord(users.GetValueOrDefault(r.Id) ?? [])).ToList();
    }

    private sealed class Row
    {
        public string Id { get; init; } = "";
        public string? GroupType { get; init; }
        public string? GroupName { get; init; }
        public long StartsAt { get; init; }
        public long EndsAt { get; init; }
        public string? Days { get; init; }
        public string? DayStart { get; init; }
        public string? DayEnd { get; init; }
        public string? TimeZone { get; init; }
        public string Reason { get; init; } = "";
        public string Author { get; init; } = "";
        public long CreatedAt { get; init; }
        public string? EndedBy { get; init; }

        public DowntimeRecord ToRecord(IReadOnlyList<string> users)
        {
            var recurrence = Days is null ? null : WeeklyRecurrence.Parse(Days.Split(','), DayStart, DayEnd, TimeZone).Recurrence;
            return new DowntimeRecord(Guid.Parse(Id), users, GroupType, GroupName, StoreTime.FromMs(StartsAt), StoreTime.FromMs(EndsAt),
                recurrence, Reason, Author, StoreTime.FromMs(CreatedAt), EndedBy);
        }
    }
}
