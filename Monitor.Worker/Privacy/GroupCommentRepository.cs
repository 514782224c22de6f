using System.Globalization;
using Dapper;
using Monitor.Worker.Storage;

namespace Monitor.Worker.Privacy;

/// <summary>A comment as a group view shows it: what was said, of what kind, in which month; never who said it.</summary>
public sealed record GroupComment(string Kind, string Month, string Text);

/// <summary>A department or site and how many distinct people of it wrote a comment in the window.</summary>
public sealed record GroupWriters(string GroupType, string Group, int People);

/// <summary>
/// The free text people typed (the comments of their signals: pulse answers, touchpoints, ticket feedback), read by
/// department or site of the directory's current members, with the number of distinct people who wrote.
/// </summary>
public sealed class GroupCommentRepository(Database db)
{
    /// <summary>The group types a view may ask for; the column comes from here, never from the request.</summary>
    public static readonly IReadOnlyDictionary<string, string> Columns =
        new Dictionary<string, string>(StringComparer.Ordinal) { ["department"] = "department", ["site"] = "site" };

    /// <summary>The newest comments a group view lists.</summary>
    public const int Limit = 200;

    private const string Written = "s.comment IS NOT NULL AND s.comment <> '' AND s.observed_at >= @since AND u.removed_at IS NULL";

    /// <summary>Per department and per site: how many distinct people wrote since <paramref name="since"/>.</summary>
    public async Task<IReadOnlyList<GroupWriters>> WritersAsync(DateTimeOffset since, CancellationToken ct)
    {
        var result = new List<GroupWriters>();
        await using var c = await db.OpenAsync(ct);
        foreach (var (type, column) in Columns)
        {
            var rows = await c.QueryAsync<CountRow>(new CommandDefinition(
                $"SELECT u.{column} AS name, COUNT(DISTINCT s.user_id) AS people FROM signals s JOIN users u ON u.id = s.user_id " +
                $"WHERE {Written} GROUP BY u.{column} ORDER BY u.{column}", new { since }, cancellationToken: ct));
            result.AddRange(rows.Select(r => new GroupWriters(type, r.Name, (int)r.People)));
        }
        return result;
    }

    /// <summary>
    /// The distinct people of the group who wrote since <paramref name="since"/>, and their newest comments only when
    /// they are at least <paramref name="minimumPeople"/>: below it nothing typed leaves the store.
    /// </summary>
    public async Task<(int People, IReadOnlyList<GroupComment> Comments)> ReadAsync(string groupType, string group,
        DateTimeOffset since, int minimumPeople, CancellationToken ct)
    {
        var column = Columns[groupType];
        var p = new { group, since, limit = Limit };
        await using var c = await db.OpenAsync(ct);
        var people = (int)await c.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT COUNT(DISTINCT s.user_id) FROM signals s JOIN users u ON u.id = s.user_id WHERE u.{column} = @group AND {Written}",
            p, cancellationToken: ct));
        if (people < minimumPeople) return (people, []);
        var rows = await c.QueryAsync<CommentRow>(new CommandDefinition(
            "SELECT s.kind, s.observed_at, s.comment FROM signals s JOIN users u ON u.id = s.user_id " +
            $"WHERE u.{column} = @group AND {Written} ORDER BY s.observed_at DESC LIMIT @limit", p, cancellationToken: ct));
        return (people, rows.Select(r => new GroupComment(r.Kind,
            r.ObservedAt.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture), r.Comment)).ToList());
    }

    /// <summary>Whether the directory has a current member in the group.</summary>
    public async Task<bool> ExistsAsync(string groupType, string group, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT COUNT(*) FROM users WHERE {Columns[groupType]} = @group AND removed_at IS NULL", new { group },
            cancellationToken: ct)) > 0;
    }

    private sealed class CountRow
    {
        public string Name { get; set; } = "";
        public long People { get; set; }
    }

    private sealed class CommentRow
    {
        public string Kind { get; set; } = "";
        public DateTimeOffset ObservedAt { get; set; }
        public string Comment { get; set; } = "";
    }
}
