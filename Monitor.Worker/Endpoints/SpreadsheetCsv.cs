using System.Globalization;
using CsvHelper;

namespace Monitor.Worker.Endpoints;

/// <summary>
/// Text exports opened in spreadsheets (the audit log, who to visit): CsvHelper with its CSV-injection escape, so that a
/// cell starting with = + - @, a tab or a CR (a name from the directory, a typed actor) is written as text behind a '.
/// </summary>
public static class SpreadsheetCsv
{
    public static string Write(string[] header, IEnumerable<string?[]> rows, string newLine = "\r\n")
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvWriter.Create(text, new CsvWriterOptions { Injection = CsvInjection.Escape, NewLine = newLine }, leaveOpen: true))
        {
            csv.WriteHeader(header);
            foreach (var row in rows)
            {
                foreach (var cell in row) csv.WriteField(cell ?? "");
                csv.EndRecord();
            }
            csv.Flush();
        }
        return text.ToString();
    }
}
