using System.Globalization;
using System.Net.Mail;
using System.Text;
using CsvHelper;
using Microsoft.Extensions.Options;
using Monitor.Core.Ports;
using Monitor.Core.Users;

namespace Monitor.Worker.UserDirectory;

/// <summary>
/// Reads the directory from a CSV export. Every bad row is reported with its line number; a file with
/// any bad row is not imported at all, so that a broken export never makes people "leave".
/// </summary>
public sealed class CsvDirectorySource(IOptions<DirectoryOptions> options) : IUserDirectorySource
{
    private static readonly string[] Required = ["id", "email", "display_name", "department", "site"];

    // Invalid UTF-8 refuses the file: a replacement character in an id or address would import a person who
    // can never be matched again.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Runs between the parse and the second look at the file (a test rewrites the file here).</summary>
    internal Func<Task>? AfterParse { get; init; }

    public async Task<DirectoryReadResult> ReadAsync(CancellationToken cancellationToken)
    {
        var path = options.Value.CsvPath;
        try
        {
            // A folder, a missing file, and a FIFO, a device, a socket or a link to one put there in the file's place (never opened: a FIFO's
            // open waits for a writer, and a device such as /dev/zero never ends).
            if (DirectoryOptions.CsvPathProblem(path) is { } problem)
            {
                return Refused(problem == DirectoryOptions.NotARegularFile ? DirectoryRefusal.InvalidFile : DirectoryRefusal.Unreadable,
                    $"{path}: {problem}; Directory:CsvPath must name the CSV file");
            }
            var before = new FileInfo(path);
            before.Refresh(); // its length and time as of now, before the read (a FileInfo looks at the file when first asked)
            DirectoryReadResult result;
            using (var reader = new StreamReader(path, StrictUtf8, detectEncodingFromByteOrderMarks: true))
                result = await ParseAsync(reader, Path.GetFileName(path), cancellationToken);
            if (AfterParse is not null) await AfterParse();
            var after = new FileInfo(path);
            // A file rewritten in place while it was read holds half of each version: read it again next time.
            if (!after.Exists || after.Length != before.Length || after.LastWriteTimeUtc != before.LastWriteTimeUtc)
            {
                return Refused(DirectoryRefusal.ChangedDuringRead,
                    $"{path}: changed while it was read; read again at the next sync (replace the file atomically, docs/operations.md)");
            }
            return result;
        }
        catch (DecoderFallbackException e)
        {
            return Refused(DirectoryRefusal.InvalidFile, $"{path}: is not valid UTF-8 (byte {e.Index} of a read block)");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Refused(DirectoryRefusal.Unreadable, $"{path}: cannot be read: {e.Message}");
        }
    }

    private static DirectoryReadResult Refused(string reason, string error) => new([], [error]) { Refusal = reason };

    public static async Task<DirectoryReadResult> ParseAsync(TextReader reader, string name, CancellationToken ct)
    {
        var errors = new List<string>();
        var users = new List<User>();
        var header = new HashSet<string>();
        var absent = new Dictionary<string, DateOnly>(StringComparer.Ordinal);
        var options = CsvInput.Options(problem => errors.Add($"{name} {problem}"));
        await using var csv = CsvReader.Create(reader, options, leaveOpen: true);
        try
        {
            await csv.ReadHeaderAsync(ct);
            var columns = csv.Headers.Select(h => h.Trim().ToLowerInvariant()).ToList();
            header = columns.ToHashSet();
            if (header.Count == 0)
                return Refused(DirectoryRefusal.InvalidFile, $"{name}: the file is empty; expected a header row");
            var twice = columns.GroupBy(c => c).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            if (twice.Count > 0)
                return Refused(DirectoryRefusal.InvalidFile,
                    $"{name}: the header names column(s) {string.Join(", ", twice)} more than once");
            var missing = Required.Where(r => !header.Contains(r)).ToList();
            if (missing.Count > 0)
                return Refused(DirectoryRefusal.InvalidFile, $"{name}: the header lacks column(s) {string.Join(", ", missing)}");

            var ids = new HashSet<string>(StringComparer.Ordinal);
            var emails = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            while (await csv.ReadAsync(ct))
            {
                var line = csv.LineNumber;
                var problems = new List<string>();
                var user = ParseRow(csv, header, problems);
                if (user is not null && !ids.Add(user.Id)) problems.Add($"id '{user.Id}' appears twice");
                if (user is not null && !emails.Add(user.Email)) problems.Add($"email '{user.Email}' appears twice");
                var until = AbsentUntil(csv, header, problems);
                if (problems.Count > 0) errors.Add($"{name} line {line}: {string.Join("; ", problems)}");
                else if (user is not null)
                {
                    users.Add(user);
                    if (until is { } day) absent[user.Id] = day;
                }
            }
        }
        catch (CsvFormatException e)
        {
            errors.Add($"{name}: malformed CSV: {e.Message.Split('\n')[0]}");
        }
        if (errors.Count > 0) return new DirectoryReadResult([], errors) { Refusal = DirectoryRefusal.BadRows };
        // A header and no row is an export that failed, not a company that left.
        if (users.Count == 0) return Refused(DirectoryRefusal.Empty, $"{name}: has a header but no users; refused");
        return new DirectoryReadResult(users, [])
        {
            MissingColumns = DirectoryColumns.Optional.Where(c => !header.Contains(c)).ToList(),
            AbsentUntil = absent,
        };
    }

    /// <summary>The optional <c>absent_until</c> cell: the last day of a long absence (docs/downtime.md), or null.</summary>
    private static DateOnly? AbsentUntil(CsvReader csv, HashSet<string> header, List<string> problems)
    {
        if (!header.Contains(DirectoryColumns.AbsentUntil) || csv.GetString(DirectoryColumns.AbsentUntil)?.Trim() is not { Length: > 0 } text)
            return null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return day;
        problems.Add($"absent_until '{text}' is not a date (yyyy-MM-dd)");
        return null;
    }

    private static User? ParseRow(CsvReader csv, HashSet<string> header, List<string> problems)
    {
        string Field(string column, string fallback = "") =>
            header.Contains(column) && csv.GetString(column).Trim() is { Length: > 0 } value ? value : fallback;

        var id = Field("id");
        var email = Field("email");
        if (id.Length == 0) problems.Add("id is empty");
        DirectoryColumns.CheckText(header, c => header.Contains(c) ? csv.GetString(c) : null, problems);
        if (!MailAddress.TryCreate(email, out var address) || address.Address != email)
            problems.Add($"email '{email}' is not an e-mail address");
        foreach (var column in new[] { "display_name", "department", "site" })
        {
            if (Field(column).Length == 0) problems.Add($"{column} is empty");
        }
        var rankText = Field("rank", "individual_contributor");
        if (!TryParseRank(rankText, out var rank))
            problems.Add($"rank '{rankText}' is not individual_contributor, manager or executive");
        var timeZone = Field("time_zone", "UTC");
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _))
            problems.Add($"time_zone '{timeZone}' is not a known time zone (IANA name, e.g. Europe/Paris)");
        var locale = Field("locale", "en");
        if (!IsCulture(locale)) problems.Add($"locale '{locale}' is not a known locale (e.g. en, fr-FR)");
        var active = ParseBool(Field("active", "true"), "active", problems);
        var optedOut = ParseBool(Field("opted_out", "false"), "opted_out", problems);
        var joinedText = Field("joined");
        DateOnly? joined = null;
        if (joinedText.Length > 0)
        {
            if (DateOnly.TryParseExact(joinedText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                joined = day;
            else problems.Add($"joined '{joinedText}' is not a date (yyyy-MM-dd)");
        }
        if (problems.Count > 0) return null;

        var manager = Field("manager");
        return new User(id, email.ToLowerInvariant(), Field("display_name"), Field("department"), Field("site"),
            manager.Length == 0 ? null : manager, rank, timeZone, locale, active, optedOut, joined);
    }

    private static bool TryParseRank(string text, out Rank rank) =>
        Enum.TryParse(text.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out rank) && Enum.IsDefined(rank);

    private static bool IsCulture(string name)
    {
        try
        {
            return CultureInfo.GetCultureInfo(name, predefinedOnly: true) is not null;
        }
        catch (CultureNotFoundException)
        {
            return false;
        }
    }

    private static bool ParseBool(string text, string column, List<string> problems)
    {
        switch (text.ToLowerInvariant())
        {
            case "true" or "yes" or "1": return true;
            case "false" or "no" or "0" or "": return false;
            default:
                problems.Add($"{column} '{text}' is not true or false");
                return false;
        }
    }
}
