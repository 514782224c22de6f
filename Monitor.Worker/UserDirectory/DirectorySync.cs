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
        // The stored directory is compared in one streamed pass (UserRepository.ReplaceAllAsync), not loaded whole:
        // at 100,000 users a second and third copy of it were most of the worker's peak memory (docs/benchmarks.md).
        var incoming = read.Users;
        var missing = read.MissingColumns;
        var (present, leaving) = (0, 0);
        var changes = await users.ReplaceAllAsync(incoming, missing.Count == 0 ? null : (u, old) => Keep(u, old, missing),
            (stored, removed) =>
            {
                (present, leaving) = (stored, removed);
                return confirmRemoval || removed <= AllowedRemovals(stored);
            }, ct);
        if (changes is null)
        {
            DirectoryMetrics.Refused(DirectoryRefusal.RemovalShare);
            var error = $"the import would remove {leaving} of {present} users, more than Directory:MaxRemovalShare " +
                        $"({MaxRemovalShare:P0}); confirm with 'directory-sync --confirm-removal' or " +
                        "POST /api/directory/sync?confirmRemoval=true";
            logger.LogError("Directory not imported: {Error}; the stored directory is unchanged", error);
            return new DirectorySyncResult(false, null, [error]) { Refusal = DirectoryRefusal.RemovalShare };
        }
        // absent_until (docs/downtime.md); a file without the column leaves the absences as they are.
        if (absences is not null && !missing.Contains(DirectoryColumns.AbsentUntil)) await absences.ApplyAsync(read.AbsentUntil, ct);
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
    private static User Keep(User read, User stored, IReadOnlyList<string> missing) => read with
    {
        // One copy per user rather than one per missing column: a sync of a large directory makes one per user.
        Manager = missing.Contains(DirectoryColumns.Manager) ? stored.Manager : read.Manager,
        Rank = missing.Contains(DirectoryColumns.Rank) ? stored.Rank : read.Rank,
        TimeZone = missing.Contains(DirectoryColumns.TimeZone) ? stored.TimeZone : read.TimeZone,
        Locale = missing.Contains(DirectoryColumns.Locale) ? stored.Locale : read.Locale,
        Active = missing.Contains(DirectoryColumns.Active) ? stored.Active : read.Active,
        OptedOut = missing.Contains(DirectoryColumns.OptedOut) ? stored.OptedOut : read.OptedOut,
        Joined = missing.Contains(DirectoryColumns.Joined) ? stored.Joined : read.Joined,
    };

    private string ForLog(string error) => privacy is null || privacy.Mode == PrivacyMode.Identified ? error : Unquoted(error);

    /// <summary>An error without the ids and addresses it quotes: for the log outside identified mode, and for the admin API in anonymous mode.</summary>
    public static string Unquoted(string error) => Quoted().Replace(error, "'…'");

    [GeneratedRegex("'[^']*'")]
    private static partial Regex Quoted();
}

public sealed record DirectorySyncResult(bool Success, DirectoryChanges? Changes, IReadOnlyList<string> Errors)
{
    /// <summary>Why the import was refused as a whole (<see cref="DirectoryRefusal"/>), when it was.</summary>
    public string? Refusal { get; init; }
}
