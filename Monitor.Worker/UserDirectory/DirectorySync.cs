using Monitor.Core.Ports;
using Monitor.Worker.Exporter;
using Monitor.Worker.Storage;

namespace Monitor.Worker.UserDirectory;

/// <summary>Brings the stored directory in line with the source: joiners appear, leavers disappear.</summary>
public sealed class DirectorySync(IUserDirectorySource source, UserRepository users, ILogger<DirectorySync> logger)
{
    public async Task<DirectorySyncResult> RunAsync(CancellationToken ct)
    {
        var read = await source.ReadAsync(ct);
        if (!read.Ok)
        {
            MonitorMetrics.DirectoryRowsRejected.Inc(read.Errors.Count);
            foreach (var error in read.Errors) logger.LogError("Directory row rejected: {Error}", error);
            logger.LogError("Directory not imported: {Count} bad row(s); the stored directory is unchanged", read.Errors.Count);
            return new DirectorySyncResult(false, null, read.Errors);
        }
        var changes = await users.ReplaceAllAsync(read.Users, ct);
        MonitorMetrics.DirectoryUsers.Set(read.Users.Count);
        if (changes.Joined + changes.Updated + changes.Left > 0)
        {
            logger.LogInformation("Directory synchronised: {Users} users, {Joined} joined, {Updated} updated, {Left} left",
                read.Users.Count, changes.Joined, changes.Updated, changes.Left);
        }
        return new DirectorySyncResult(true, changes, []);
    }
}

public sealed record DirectorySyncResult(bool Success, DirectoryChanges? Changes, IReadOnlyList<string> Errors);
