using System.Text.Json;
using Dapper;
using Monitor.Core.Users;
using Monitor.Core.Value;
using Monitor.Worker.Storage;

namespace Monitor.Worker.Value;

/// <summary>
/// A question set asked from <see cref="Start"/> (inclusive) to <see cref="End"/> (exclusive) of the people in
/// <see cref="Departments"/> with one of <see cref="Ranks"/>; an empty list means everyone.
/// </summary>
public sealed record Campaign(Guid Id, string QuestionSet, IReadOnlyList<string> Departments, IReadOnlyList<string> Ranks,
    DateTimeOffset Start, DateTimeOffset End, DateTimeOffset CreatedAt)
{
    public bool RunsAt(DateTimeOffset now) => Start <= now && now < End;

    public bool Covers(User user) =>
        (Departments.Count == 0 || Departments.Contains(user.Department, StringComparer.Ordinal)) &&
        (Ranks.Count == 0 || Ranks.Contains(ValueAlignment.RankLabel(user.Rank), StringComparer.Ordinal));
}

/// <summary>Stored campaigns.</summary>
public sealed class CampaignRepository(Database db)
{
    private const string Columns = "id, question_set, departments, ranks, starts_at, ends_at, created_at";

    public async Task AddAsync(Campaign campaign, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(
            $"INSERT INTO campaigns ({Columns}) VALUES (@Id, @QuestionSet, @Departments, @Ranks, @Start, @End, @CreatedAt)",
            new
            {
                Id = campaign.Id.ToString(), campaign.QuestionSet, Departments = JsonSerializer.Serialize(campaign.Departments),
                Ranks = JsonSerializer.Serialize(campaign.Ranks), campaign.Start, campaign.End, campaign.CreatedAt,
            }, cancellationToken: ct));
    }

    /// <summary>Every campaign, earliest start first.</summary>
    public Task<IReadOnlyList<Campaign>> ListAsync(CancellationToken ct) =>
        QueryAsync($"SELECT {Columns} FROM campaigns ORDER BY starts_at, id", null, ct);

    /// <summary>The campaigns running at <paramref name="now"/>.</summary>
    public Task<IReadOnlyList<Campaign>> RunningAsync(DateTimeOffset now, CancellationToken ct) =>
        QueryAsync($"SELECT {Columns} FROM campaigns WHERE ends_at > @now AND starts_at <= @now ORDER BY starts_at, id", new { now }, ct);

    public async Task<bool> DeleteAsync(Guid id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition("DELETE FROM campaigns WHERE id = @id", new { id = id.ToString() },
            cancellationToken: ct)) == 1;
    }

    private async Task<IReadOnlyList<Campaign>> QueryAsync(string sql, object? parameters, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<Row>(new CommandDefinition(sql, parameters, cancellationToken: ct));
        return rows.Select(r => new Campaign(Guid.Parse(r.Id), r.QuestionSet, JsonSerializer.Deserialize<string[]>(r.Departments) ?? [],
            JsonSerializer.Deserialize<string[]>(r.Ranks) ?? [], r.StartsAt, r.EndsAt, r.CreatedAt)).ToList();
    }

    private sealed class Row
    {
        public string Id { get; set; } = "";
        public string QuestionSet { get; set; } = "";
        public string Departments { get; set; } = "[]";
        public string Ranks { get; set; } = "[]";
        public DateTimeOffset StartsAt { get; set; }
        public DateTimeOffset EndsAt { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
    }
}

/// <summary>
/// The question set of the campaign covering a person, read once per dispatch run. When campaigns overlap, the one that
/// started last wins (the more recent decision), then the later-created.
/// </summary>
public sealed class CampaignQuestionSetChooser(CampaignRepository campaigns) : Monitor.Probes.Pulse.IQuestionSetChooser
{
    public async Task<Func<User, string?>> ForRunAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var running = (await campaigns.RunningAsync(now, cancellationToken))
            .OrderByDescending(c => c.Start).ThenByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id).ToList();
        if (running.Count == 0) return _ => null;
        return user => running.FirstOrDefault(c => c.Covers(user))?.QuestionSet;
    }
}
