using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Monitor.Core.Ports;
using Monitor.Core.Privacy;
using Monitor.Core.Users;
using Monitor.Worker.Exporter;
using Monitor.Worker.Privacy;
using Monitor.Worker.Storage;

namespace Monitor.Worker.UserDirectory;

/// <summary>Brings the stored directory in line with the source: joiners appear, leavers disappear.</summary>
public sealed partial class DirectorySync(IUserDirectorySource source, UserRepository users, ILogger<DirectorySync> logger,
    PrivacyPolicy? privacy = null, IOptions<DirectoryOptions>? options = null, Downtime.DirectoryAbsences? absences = null)
{
    private double MaxRemovalShare => options?.Value.MaxRemovalShare ?? new DirectoryOptions().MaxRemovalShare;

    static DirectorySync() => DirectoryMetrics.Initialise();

    /// <param name="confirmRemoval">
    /// An operator's confirmation (<c>directory-sync --confirm-removal</c> or
    /// <c>POST /api/directory/sync?confirmRemoval=true</c>) that this import may remove more than
    /// <c>Directory:MaxRemovalShare</c> of the users.
    /// </param>
    public async Task<DirectorySyncResult> RunAsync(CancellationToken ct, bool confirmRemoval = false)
    {
        var read = await source.ReadAsync(ct);
        if (!read.Ok)
        {
            if (read.Refusal == DirectoryRefusal.BadRows) MonitorMetrics.DirectoryRowsRejected.Inc(read.Errors.Count);
            DirectoryMetrics.Refused(read.Refusal ?? DirectoryRefusal.BadRows);
            // A rejected row's error quotes the id or e-mail it found; outside identified mode the quotes are blanked.
            foreach (var error in read.Errors) logger.LogError("Directory row rejected: {Error}", ForLog(error));
            logger.LogError("Directory not imported: {Count} problem(s); the stored directory is unchanged", read.Errors.Count);
            return new DirectorySyncResult(false, null, read.Errors);
        }
        var stored = (await users.ListAsync(ct)).ToDictionary(u => u.Id, StringComparer.Ordinal);
        var incoming = read.Users.Select(u => stored.TryGetValue(u.Id, out var old) ? Keep(u, old, read.MissingColumns) : u).ToList();
        var present = incoming.Select(u => u.Id).ToHashSet(StringComparer.Ordinal);
        var leaving = stored.Keys.Count(id => !present.Contains(id));
        if (leaving > AllowedRemovals(stored.Count) && !confirmRemoval)
        {
            DirectoryMetrics.Refused(DirectoryRefusal.RemovalShare);
            var error = $"the import would remove {leaving} of {stored.Count} users, more than Directory:MaxRemovalShare " +
                        $"({MaxRemovalShare:P0}); confirm with 'directory-sync --confirm-removal' or " +
                        "POST /api/directory/sync?confirmRemoval=true";
            logger.LogError("Directory not imported: {Error}; the stored directory is unchanged", error);
            return new DirectorySyncResult(false, null, [error]) { Refusal = DirectoryRefusal.RemovalShare };
        }
        var changes = await users.ReplaceAllAsync(incoming, ct);
        // absent_until (docs/downtime.md); a file without the column leaves the absences as they are.
        if (absences is not null && !read.MissingColumns.Contains(DirectoryColumns.AbsentUntil)) await absences.ApplyAsync(read.AbsentUntil, ct);
        MonitorMetrics.DirectoryUsers.Set(incoming.Count);
        if (changes.Joined + changes.Updated + changes.Left > 0)
        {
            logger.LogInformation("Directory synchronised: {Users} users, {Joined} joined, {Updated} updated, {Left} left",
                incoming.Count, changes.Joined, changes.Updated, changes.Left);
        }
        return new DirectorySyncResult(true, changes, []);
    }

    // One leaver is always allowed, so that a directory of a handful of people can still lose one.
    private int AllowedRemovals(int stored) => Math.Max(1, (int)Math.Floor(stored * MaxRemovalShare));

    /// <summary>The fields of columns the file does not carry are taken from the stored record, not reset.</summary>
    private static User Keep(User read, User stored, IReadOnlyList<string> missing)
    {
        foreach (var column in missing)
        {
            read = column switch
            {
                DirectoryColumns.Manager => read with { Manager = stored.Manager },
                DirectoryColumns.Rank => read with { Rank = stored.Rank },
                DirectoryColumns.TimeZone => read with { TimeZone = stored.TimeZone },
                DirectoryColumns.Locale => read with { Locale = stored.Locale },
                DirectoryColumns.Active => read with { Active = stored.Active },
                DirectoryColumns.OptedOut => read with { OptedOut = stored.OptedOut },
                DirectoryColumns.Joined => read with { Joined = stored.Joined },
                _ => read,
            };
        }
        return read;
    }

    private string ForLog(string error) => privacy is null || privacy.Mode == PrivacyMode.Identified
        ? error
        : Quoted().Replace(error, "'…'");

    [GeneratedRegex("'[^']*'")]
    private static partial Regex Quoted();
}

public sealed record DirectorySyncResult(bool Success, DirectoryChanges? Changes, IReadOnlyList<string> Errors)
{
    /// <summary>Why the import was refused as a whole (<see cref="DirectoryRefusal"/>), when it was.</summary>
    public string? Refusal { get; init; }
}
