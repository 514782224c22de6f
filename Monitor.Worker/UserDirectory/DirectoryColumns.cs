namespace Monitor.Worker.UserDirectory;

/// <summary>The directory CSV's optional columns and the limits on what a cell may hold.</summary>
public static class DirectoryColumns
{
    public const string Manager = "manager";
    public const string Rank = "rank";
    public const string TimeZone = "time_zone";
    public const string Locale = "locale";
    public const string Active = "active";
    public const string OptedOut = "opted_out";
    public const string Joined = "joined";
    public const string AbsentUntil = "absent_until";

    /// <summary>Columns a file may leave out; their stored value is then kept.</summary>
    public static readonly IReadOnlyList<string> Optional = [Manager, Rank, TimeZone, Locale, Active, OptedOut, Joined, AbsentUntil];

    /// <summary>
    /// The longest value each text column may hold. Ids are keys in URLs, metric labels and logs; a name
    /// is shown on the console. Anything longer is an export gone wrong, not a person.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, int> MaxLength = new Dictionary<string, int>
    {
        ["id"] = 128, ["email"] = 254, ["display_name"] = 200, ["department"] = 100, ["site"] = 100, [Manager] = 128,
        [Rank] = 32, [TimeZone] = 64, [Locale] = 32, [Active] = 8, [OptedOut] = 8, [Joined] = 10, [AbsentUntil] = 10,
    };

    /// <summary>
    /// Adds a problem for every over-long value and every control character (a NUL, a newline, a bidi
    /// override). An id holding one could never be addressed, and any of them would reach logs raw.
    /// </summary>
    public static void CheckText(IReadOnlySet<string> header, Func<string, string?> cell, List<string> problems)
    {
        foreach (var (column, max) in MaxLength)
        {
            if (!header.Contains(column) || cell(column) is not { } value) continue;
            if (value.Length > max) problems.Add($"{column} is {value.Length} characters long (at most {max})");
            // Keys allow no invisible character at all; names may need a zero-width joiner (Persian), not a bidi override.
            var strict = column is "id" or "email" or Manager;
            if (value.Any(c => IsForbidden(c, strict))) problems.Add($"{column} holds a control or bidi character");
        }
    }

    private static bool IsForbidden(char c, bool strict) =>
        char.IsControl(c) || c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069')
        || (strict && char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format);
}

/// <summary>Why a directory file was refused as a whole: the values of <c>satisfaction_directory_imports_refused_total</c>.</summary>
public static class DirectoryRefusal
{
    public const string Unreadable = "unreadable";
    public const string InvalidFile = "invalid_file";
    public const string BadRows = "bad_rows";
    public const string Empty = "empty";
    public const string ChangedDuringRead = "changed_during_read";
    public const string RemovalShare = "removal_share";

    public static readonly IReadOnlyList<string> All = [Unreadable, InvalidFile, BadRows, Empty, ChangedDuringRead, RemovalShare];
}
