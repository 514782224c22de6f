using CsvHelper;

namespace Monitor.Worker.UserDirectory;

/// <summary>
/// Bounds on the CSV files the worker reads (the directory, the dependency mapping): they are named by a setting, so a
/// mistake may point them at a pipe or a device, or at a file of one huge line.
/// </summary>
public static class CsvInput
{
    /// <summary>The longest record read, in bytes of UTF-8; the rows of both files are a few hundred bytes.</summary>
    public const int MaxRecordBytes = 64 * 1024;

    /// <summary>Why <paramref name="path"/> is not read, or null for a regular file of some bytes.</summary>
    /// <remarks>
    /// A pipe or a device has no size: opening a FIFO waits for a writer for ever, and /dev/zero never ends. A link
    /// counts by what it finally names; a loop of links throws <see cref="IOException"/>.
    /// </remarks>
    public static string? NotARegularFile(string path)
    {
        var file = new FileInfo(path);
        return (file.LinkTarget is null ? file : file.ResolveLinkTarget(returnFinalTarget: true)) is FileInfo { Length: > 0 }
            ? null
            : "is empty or not a regular file (a pipe or a device); not read";
    }

    /// <summary>Reader options that report malformed records (line numbers on) and refuse one past the size bound.</summary>
    public static CsvReaderOptions Options(Action<string> malformed) => new()
    {
        TrackLineNumbers = true,
        // A broken quote or a short row is reported and the file refused, never silently mended; a record longer than
        // the bound (one huge line, an unclosed quote near the start) is refused when the reader passes it.
        MalformedData = CsvMalformedDataHandling.Skip,
        FieldCountMismatch = CsvFieldCountHandling.Skip,
        OnMalformedRecord = m => malformed($"line {m.LineNumber}: malformed CSV ({m.Reason})"),
        MaxRecordSize = MaxRecordBytes,
    };
}
