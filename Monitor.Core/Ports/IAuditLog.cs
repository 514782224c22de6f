namespace Monitor.Core.Ports;

/// <summary>
/// The record of who (a signed-in person or the admin API key) viewed, exported or changed which individual's data.
/// </summary>
public interface IAuditLog
{
    Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken);
}

/// <param name="Actor">The signed-in person's name, or <c>api-key</c>.</param>
/// <param name="Action">What was done, one of <see cref="AuditActions"/>.</param>
/// <param name="SubjectUserId">Whose data, when it is one person's.</param>
public sealed record AuditEntry(DateTimeOffset At, string Actor, string Action, string? SubjectUserId, string? Detail = null);

/// <summary>The actions the audit log knows.</summary>
public static class AuditActions
{
    public const string ViewUser = "view_user";
    public const string ExportUsers = "export_users";
    public const string ExportUser = "export_user";
    public const string EraseUser = "erase_user";
}
