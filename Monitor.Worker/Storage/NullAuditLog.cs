using Monitor.Core.Ports;

namespace Monitor.Worker.Storage;

/// <summary>Stands in until a store-backed audit log is registered (which replaces it).</summary>
internal sealed class NullAuditLog : IAuditLog
{
    public Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken) => Task.CompletedTask;
}
