using Dapper;
using Monitor.Core.Evaluation;
using Monitor.Core.Objectives;
using Monitor.Worker.Storage;

namespace Monitor.Worker.Objectives;

/// <summary>
/// Reads what the monthly objective report is computed from: the state-change log (the state in force at the start
/// of the month and every change in it), the departments, and the actions shipped in the month.
/// </summary>
public sealed class ObjectiveRepository(Database db)
{
    /// <summary>The departments of the users in the directory, or who left it after <paramref name="since"/>.</summary>
    public async Task<IReadOnlyList<string>> DepartmentsAsync(DateTimeOffset since, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<string>(new CommandDefinition(
            "SELECT DISTINCT department FROM users WHERE removed_at IS NULL OR removed_at > @since ORDER BY department",
            new { since }, cancellationToken: ct))).ToList();
    }

    /// <summary>
    /// The recorded states of the department's users over [<paramref name="from"/>, <paramref name="until"/>): users in
    /// the directory then (its current department counts), each with the state of their last change at or before
    /// <paramref name="from"/> (unknown without one) and their changes inside the window.
    /// </summary>
    public async Task<IReadOnlyList<UserHistory>> HistoriesAsync(string department, DateTimeOffset from, DateTimeOffset until,
        CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var users = (await c.QueryAsync<(string Id, string Department)>(new CommandDefinition(
            "SELECT id, department FROM users WHERE department = @department AND (removed_at IS NULL OR removed_at > @from)",
            new { department, from }, cancellationToken: ct))).ToList();
        var starts = (await c.QueryAsync<StartRow>(new CommandDefinition(
            """
            SELECT sc.user_id, sc.to_state FROM state_changes sc JOIN users u ON u.id = sc.user_id
            WHERE u.department = @department AND sc.changed_at = (
                SELECT MAX(x.changed_at) FROM state_changes x WHERE x.user_id = sc.user_id AND x.changed_at <= @from)
            """, new { department, from }, cancellationToken: ct)))
            .GroupBy(r => r.UserId).ToDictionary(g => g.Key, g => (SatisfactionState)g.Last().ToState, StringComparer.Ordinal);
        var changes = (await c.QueryAsync<StateRepository.ChangeRow>(new CommandDefinition(
            """
            SELECT sc.user_id, sc.from_state, sc.to_state, sc.changed_at, sc.score, sc.causes
            FROM state_changes sc JOIN users u ON u.id = sc.user_id
            WHERE u.department = @department AND sc.changed_at > @from AND sc.changed_at < @until
            ORDER BY sc.changed_at
            """, new { department, from, until }, cancellationToken: ct)))
            .ToLookup(r => r.UserId, r => r.ToChange(), StringComparer.Ordinal);
        return users.Select(u => new UserHistory(u.Id, u.Department,
            starts.GetValueOrDefault(u.Id, SatisfactionState.Unknown), changes[u.Id].ToList())).ToList();
    }

    /// <summary>Actions shipped in [from, until) that link feedback from someone in the department.</summary>
    public async Task<IReadOnlyList<ShippedAction>> ShippedAsync(string department, DateTimeOffset from, DateTimeOffset until,
        CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<(string Title, DateTimeOffset ShippedAt)>(new CommandDefinition(
            """
            SELECT a.title, a.shipped_at FROM actions a
            WHERE a.shipped_at >= @from AND a.shipped_at < @until AND EXISTS (
                SELECT 1 FROM action_signals s JOIN users u ON u.id = s.user_id
                WHERE s.action_id = a.id AND u.department = @department)
            ORDER BY a.shipped_at, a.title
            """, new { department, from, until }, cancellationToken: ct));
        return rows.Select(r => new ShippedAction(r.Title, r.ShippedAt)).ToList();
    }

    // Row classes: SQLite returns INTEGER as Int64, which Dapper's constructor mapping does not convert.
    private sealed class StartRow
    {
        public string UserId { get; set; } = "";
        public int ToState { get; set; }
    }
}
