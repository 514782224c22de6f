using Dapper;
using Monitor.Core.Pulses;

namespace Monitor.Worker.Pulse;

/// <summary>
/// The outbox lease kept alive while a batch is sent, and given back when a sender stops (docs/reliability.md). A claim is
/// a token unique to one claim of one sender (<c>claimed_by</c>), so a sender only renews, marks and releases its own.
/// </summary>
public sealed partial class PulseRepository
{
    public async Task<int> RenewAsync(string claimant, DateTimeOffset until, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(
            "UPDATE outbox SET claimed_until = @until WHERE claimed_by = @claimant AND sent_at IS NULL",
            new { claimant, until }, cancellationToken: ct));
    }

    public async Task ReleaseAsync(string claimant, IReadOnlyCollection<OutboxMessage> messages, CancellationToken ct)
    {
        if (messages.Count == 0) return;
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE outbox SET claimed_by = NULL, claimed_until = NULL
            WHERE {db.Dialect.In("id", "ids")} AND claimed_by = @claimant AND sent_at IS NULL
            """, new { claimant, ids = messages.Select(m => m.Id.ToString()).ToArray() }, cancellationToken: ct));
    }
}
