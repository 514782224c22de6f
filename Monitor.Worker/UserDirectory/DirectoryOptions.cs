using Microsoft.Extensions.Options;

namespace Monitor.Worker.UserDirectory;

/// <summary>Where users come from. Bound from <c>Directory</c>.</summary>
public sealed class DirectoryOptions
{
    public const string Section = "Directory";

    /// <summary>The CSV export of the directory (columns in samples/users.csv).</summary>
    public string CsvPath { get; set; } = "samples/users.csv";

    /// <summary>How often the directory is read again.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The largest share of the stored users one import may remove (0.10 = 10 %) unless an operator confirms
    /// it; a truncated export must not make a company "leave". One leaver is always allowed.
    /// </summary>
    public double MaxRemovalShare { get; set; } = 0.10;

    /// <summary>
    /// What makes <paramref name="path"/> no CSV file to read ("is a folder", ...), or null when it can be read; at start
    /// (exit 2) and before each read. .NET does not tell a regular file from a FIFO, a device or a socket, but gives them
    /// all a length of 0, and opening a FIFO waits for a writer, forever: a file of length 0 (after links,
    /// <see cref="CsvInput.NotARegularFile"/>) is never opened (an empty export would be refused anyway).
    /// </summary>
    public static string? CsvPathProblem(string path)
    {
        if (System.IO.Directory.Exists(path)) return "is a folder, not a CSV file";
        if (!new FileInfo(path).Exists) return "does not exist";
        try
        {
            // Through links to what they finally name: a link to /dev/zero is a device.
            return CsvInput.NotARegularFile(path) is null ? null : NotARegularFile;
        }
        catch (IOException e)
        {
            return $"cannot be read ({e.Message})"; // a loop of links
        }
    }

    /// <summary>The problem of a file of length 0.</summary>
    public const string NotARegularFile = "is empty or not a regular file (a FIFO, a device, a socket)";
}

internal sealed class DirectoryOptionsValidator : IValidateOptions<DirectoryOptions>
{
    public ValidateOptionsResult Validate(string? name, DirectoryOptions o)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(o.CsvPath))
            failures.Add($"{DirectoryOptions.Section}:{nameof(o.CsvPath)} is required.");
        else if (DirectoryOptions.CsvPathProblem(o.CsvPath) is { } problem)
            failures.Add($"{DirectoryOptions.Section}:{nameof(o.CsvPath)} names '{Path.GetFullPath(o.CsvPath)}', which {problem}.");
        if (o.Interval < TimeSpan.FromSeconds(1) || o.Interval > TimeSpan.FromDays(1))
            failures.Add($"{DirectoryOptions.Section}:{nameof(o.Interval)} must be between 00:00:01 and 1.00:00:00 (got {o.Interval}).");
        // Written so that NaN fails too.
        if (!(o.MaxRemovalShare is >= 0 and <= 1))
            failures.Add($"{DirectoryOptions.Section}:{nameof(o.MaxRemovalShare)} must be between 0 and 1 (got {o.MaxRemovalShare}).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
