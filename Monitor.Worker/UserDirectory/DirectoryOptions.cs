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
}

internal sealed class DirectoryOptionsValidator : IValidateOptions<DirectoryOptions>
{
    public ValidateOptionsResult Validate(string? name, DirectoryOptions o)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(o.CsvPath))
            failures.Add($"{DirectoryOptions.Section}:{nameof(o.CsvPath)} is required.");
        else if (System.IO.Directory.Exists(o.CsvPath))
            failures.Add($"{DirectoryOptions.Section}:{nameof(o.CsvPath)} names '{Path.GetFullPath(o.CsvPath)}', " +
                         "which is a folder, not a CSV file.");
        else if (!File.Exists(o.CsvPath))
            failures.Add($"{DirectoryOptions.Section}:{nameof(o.CsvPath)} names '{Path.GetFullPath(o.CsvPath)}', which does not exist.");
        if (o.Interval < TimeSpan.FromSeconds(1) || o.Interval > TimeSpan.FromDays(1))
            failures.Add($"{DirectoryOptions.Section}:{nameof(o.Interval)} must be between 00:00:01 and 1.00:00:00 (got {o.Interval}).");
        // Written so that NaN fails too.
        if (!(o.MaxRemovalShare is >= 0 and <= 1))
            failures.Add($"{DirectoryOptions.Section}:{nameof(o.MaxRemovalShare)} must be between 0 and 1 (got {o.MaxRemovalShare}).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
