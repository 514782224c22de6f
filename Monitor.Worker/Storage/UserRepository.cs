using System.Globalization;
using Dapper;
using Monitor.Core.Ports;
using Monitor.Core.Users;

namespace Monitor.Worker.Storage;

/// <summary>The users in the directory, as last synchronised. Removed users stay, marked, for history.</summary>
public sealed class UserRepository(Database db, TimeProvider time) : IUserDirectory
{
    private const string Columns =
        "id, email, display_name, department, site, manager, user_rank, time_zone, locale, active, opted_out, joined_on";

    public async Task<IReadOnlyList<User>> ListAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<UserRow>(new CommandDefinition(
            $"SELECT {Columns} FROM users WHERE removed_at IS NULL ORDER BY id", cancellationToken: ct));
        return rows.Select(r => r.ToUser()).ToList();
    }

    /// <summary>The ids of everyone in the directory, read as a stream: a full sweep needs no more of them.</summary>
    public async Task<HashSet<string>> IdsAsync(CancellationToken ct = default)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await using var c = await db.OpenAsync(ct);
        await foreach (var id in c.QueryUnbufferedAsync<string>("SELECT id FROM users WHERE removed_at IS NULL").WithCancellation(ct))
            ids.Add(id);
        return ids;
    }

    public async Task<User?> FindAsync(string userId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(
            $"SELECT {Columns} FROM users WHERE id = @userId AND removed_at IS NULL", new { userId }, cancellationToken: ct));
        return row?.ToUser();
    }

    public async Task<User?> FindByEmailAsync(string email, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await c.QueryFirstOrDefaultAsync<UserRow>(new CommandDefinition(
            $"SELECT {Columns} FROM users WHERE email = @email AND removed_at IS NULL",
            new { email = email.Trim().ToLowerInvariant() }, cancellationToken: ct));
        return row?.ToUser();
    }

    /// <summary>Those of <paramref name="userIds"/> who are in the directory now (the outbox sender renders their pulses).</summary>
    public async Task<IReadOnlyList<User>> FindManyAsync(IReadOnlyCollection<string> userIds, CancellationToken ct = default)
    {
        if (userIds.Count == 0) return [];
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryChunkedAsync<UserRow>(
            $"SELECT {Columns} FROM users WHERE {db.Dialect.InChunk("id")} AND removed_at IS NULL", userIds, ct: ct);
        return rows.Select(r => r.ToUser()).ToList();
    }

    /// <summary>Those of <paramref name="userIds"/> that are in the directory now.</summary>
    public async Task<IReadOnlyList<string>> InDirectoryAsync(IReadOnlyCollection<string> userIds, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QueryChunkedAsync<string>(
            $"SELECT id FROM users WHERE {db.Dialect.InChunk("id")} AND removed_at IS NULL", userIds, ct: ct);
    }

    /// <summary>
    /// Makes the stored directory equal to <paramref name="users"/>: joiners added (and marked for
    /// evaluation), changed users updated, leavers marked removed. Only what differs is written.
    /// </summary>
    public async Task<DirectoryChanges> ReplaceAllAsync(IReadOnlyList<User> users, CancellationToken ct = default) =>
        (await ReplaceAllAsync(users, keep: null, mayRemove: null, ct))!;

    /// <summary>
    /// <see cref="ReplaceAllAsync(IReadOnlyList{User}, CancellationToken)"/> in one streamed pass over the stored rows:
    /// only <paramref name="users"/> and what changed are held, never a second copy of the directory (at 100,000
    /// users a copy was most of the worker's peak memory: docs/benchmarks.md).
    /// </summary>
    /// <param name="keep">
    /// The record to store for a user read from the directory and still in it (read, stored): lets a sync keep
    /// stored fields the source does not carry. Null: the read record as it is.
    /// </param>
    /// <param name="mayRemove">
    /// Asked (users in the directory now, users the import would remove) before anything is written; false
    /// leaves the store unchanged and returns null.
    /// </param>
    public async Task<DirectoryChanges?> ReplaceAllAsync(IReadOnlyList<User> users, Func<User, User, User>? keep,
        Func<int, int, bool>? mayRemove, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var index = new Dictionary<string, int>(users.Count, StringComparer.Ordinal);
        for (var i = 0; i < users.Count; i++) index[users[i].Id] = i;
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);

        var stored = new bool[users.Count];
        var upserts = new List<UserRow>();
        var leavers = new List<string>();
        var (joined, present) = (0, 0);
        // Unbuffered: each stored row is compared and dropped, so the pass holds one row at a time.
        var rows = c.QueryUnbufferedAsync<UserRow>($"SELECT {Columns}, removed_at FROM users", transaction: tx);
        await foreach (var old in rows.WithCancellation(ct))
        {
            if (old.RemovedAt is null) present++;
            if (!index.TryGetValue(old.Id, out var i))
            {
                if (old.RemovedAt is null) leavers.Add(old.Id);
                continue;
            }
            stored[i] = true;
            if (old.RemovedAt is not null)
            {
                joined++; // back after leaving
                upserts.Add(UserRow.From(users[i]));
                continue;
            }
            var row = UserRow.From(keep is null ? users[i] : keep(users[i], old.ToUser()));
            if (!old.SameAs(row)) upserts.Add(row);
        }
        for (var i = 0; i < users.Count; i++)
        {
            if (stored[i]) continue;
            joined++;
            upserts.Add(UserRow.From(users[i]));
        }
        if (mayRemove is not null && !mayRemove(present, leavers.Count)) return null; // the transaction rolls back unused

        // The bulk insert binds positional parameters on PostgreSQL: the suffix takes the time from the row.
        // One boxed value for every row.
        object nowMs = now.ToMs();
        await db.Dialect.InsertManyAsync(c, tx, $"INSERT INTO users ({Columns}, updated_at)", upserts, u =>
            [u.Id, u.Email, u.DisplayName, u.Department, u.Site, u.Manager, u.UserRank, u.TimeZone, u.Locale, u.Active, u.OptedOut,
                u.JoinedOn, nowMs],
            $"""
            ON CONFLICT (id) DO UPDATE SET email = excluded.email, display_name = excluded.display_name,
                department = excluded.department, site = excluded.site, manager = excluded.manager,
                user_rank = excluded.user_rank, time_zone = excluded.time_zone, locale = excluded.locale,
                active = excluded.active, joined_on = excluded.joined_on,
                opted_out = (users.opted_out OR excluded.opted_out), removed_at = NULL,
                updated_at = excluded.updated_at
            """, ct);
        // A joiner gets evaluated (to unknown) at once, so they show up on the board.
        await db.Dialect.InsertManyAsync(c, tx, "INSERT INTO dirty_users (user_id, marked_at)", upserts, u => [u.Id, nowMs],
            "ON CONFLICT (user_id) DO NOTHING", ct);
        await c.ExecuteChunkedAsync($"UPDATE users SET removed_at = @now, updated_at = @now WHERE {db.Dialect.InChunk("id")}",
            leavers, new { now }, tx, ct);
        await tx.CommitAsync(ct);
        return new DirectoryChanges(joined, upserts.Count - joined, leavers.Count);
    }

    /// <summary>Sets or clears the user's opt-out from pulses (the directory sync keeps it).</summary>
    public async Task<bool> SetOptedOutAsync(string userId, bool optedOut, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET opted_out = @optedOut, updated_at = @now WHERE id = @userId AND removed_at IS NULL",
            new { userId, optedOut, now = time.GetUtcNow() }, cancellationToken: ct)) == 1;
    }

    // A row class rather than the record: the rank is stored as text, and a sync compares stored rows.
    private sealed class UserRow
    {
        public string Id { get; set; } = "";
        public string Email { get; set; } = "";
        public string DisplayName { get; set; } = "";
        public string Department { get; set; } = "";
        public string Site { get; set; } = "";
        public string? Manager { get; set; }
        public string UserRank { get; set; } = "";
        public string TimeZone { get; set; } = "";
        public string Locale { get; set; } = "";
        public bool Active { get; set; }
        public bool OptedOut { get; set; }
        // An ISO date as text: the same on both stores, and no date type handler needed.
        public string? JoinedOn { get; set; }
        public DateTimeOffset? RemovedAt { get; set; }

        public static UserRow From(User u) => new()
        {
            Id = u.Id, Email = u.Email.Trim().ToLowerInvariant(), DisplayName = u.DisplayName, Department = u.Department,
            Site = u.Site, Manager = u.Manager, UserRank = u.Rank.ToString(), TimeZone = u.TimeZone, Locale = u.Locale,
            Active = u.Active, OptedOut = u.OptedOut, JoinedOn = u.Joined?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };

        public User ToUser() => new(Id, Email, DisplayName, Department, Site, Manager, Enum.Parse<Rank>(UserRank),
            TimeZone, Locale, Active, OptedOut,
            JoinedOn is null ? null : DateOnly.ParseExact(JoinedOn, "yyyy-MM-dd", CultureInfo.InvariantCulture));

        // Opt-out belongs to the user: the directory can add one, but a sync never undoes an unsubscribe.
        // (this = stored, o = from the directory)
        public bool SameAs(UserRow o) => Email == o.Email && DisplayName == o.DisplayName &&
            Department == o.Department && Site == o.Site && Manager == o.Manager && UserRank == o.UserRank &&
            TimeZone == o.TimeZone && Locale == o.Locale && Active == o.Active && JoinedOn == o.JoinedOn && (OptedOut || !o.OptedOut);
    }
}

/// <param name="Joined">Users new to the directory (or back after leaving).</param>
/// <param name="Updated">Users whose directory record changed.</param>
/// <param name="Left">Users no longer in the directory.</param>
public sealed record DirectoryChanges(int Joined, int Updated, int Left);
