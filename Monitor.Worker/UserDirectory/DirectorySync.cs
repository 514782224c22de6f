using System.Text.RegularExpressions;
using Monitor.Core.Ports;
using Monitor.Core.Privacy;
using Monitor.Worker.Exporter;
using Monitor.Worker.Privacy;
using Monitor.Worker.Storage;

namespace Monitor.Worker.UserDirectory;

/// <summary>Brings the stored directory in line with the source: joiners appear, leavers disappear.</summary>
public sealed partial class DirectorySync(IUserDirectorySource source, UserRepository users, ILogger<DirectorySync> logger,
    PrivacyPolicy? privacy = null)
{
    public async Task<DirectorySyncResult> RunAsync(CancellationToken ct)
    {
        var read = await source.ReadAsync(ct);
        if (!read.Ok)
        {
            MonitorMetrics.DirectoryRowsRejected.Inc(read.Errors.Count);
            // A rejected row's error quotes the id or e-mail it found; outside identified mode the quotes are blanked.
            foreach (var error in read.Errors) logger.LogError("Directory row rejected: {Error}", ForLog(error));
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

    private string ForLog(string error) => privacy is null || privacy.Mode == PrivacyMode.Identified
        ? error
        : Quoted().Replace(error, "'…'");

    [GeneratedRegex("'[^']*'")]
    private static partial Regex Quoted();
}

public sealed record DirectorySyncResult(bool Success, DirectoryChanges? Changes, IReadOnlyList<string> Errors);
