using System.Globalization;
using CsvHelper;
using Microsoft.Extensions.Options;
using Monitor.Core.Groups;
using Monitor.Core.Objectives;
using Monitor.Core.Ports;
using Monitor.Worker.Privacy;

namespace Monitor.Worker.Objectives;

/// <summary>The monthly report per department (docs/objectives.md): computed from the store, left out downtime and unknown.</summary>
public sealed class ObjectiveReports(ObjectiveRepository store, IDowntimeCalendar downtime, IOptions<ObjectivesOptions> objectives,
    IOptions<PrivacyOptions> privacy)
{
    /// <summary>Parses <c>yyyy-MM</c>; null when it is not a month, or is 9999-12 (whose end <see cref="DateTime"/> cannot hold).</summary>
    public static DateTimeOffset? ParseMonth(string? month) =>
        DateTime.TryParseExact(month, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) &&
        d < new DateTime(9999, 12, 1)
            ? new DateTimeOffset(d.Year, d.Month, 1, 0, 0, 0, TimeSpan.Zero)
            : null;

    /// <summary>Every department's month (or the one named), in UTC calendar months.</summary>
    public async Task<IReadOnlyList<DepartmentMonth>> MonthAsync(DateTimeOffset month, string? department, CancellationToken ct)
    {
        var until = month.AddMonths(1);
        var departments = department is null ? await store.DepartmentsAsync(month, ct) : [department];
        var spans = (await downtime.SpansAsync(month, until, ct)).ToLookup(s => s.UserId, StringComparer.Ordinal);
        var result = new List<DepartmentMonth>();
        foreach (var d in departments)
        {
            var histories = await store.HistoriesAsync(d, month, until, ct);
            if (histories.Count == 0) continue;
            result.Add(DepartmentMonth.Build(d, month, until, objectives.Value.TargetFor(GroupRollup.Department, d), histories, spans,
                await store.ShippedAsync(d, month, until, ct), privacy.Value.MinGroupSize));
        }
        return result;
    }

    /// <summary>
    /// The report as CSV, one row per figure (<c>section</c>: objective, week, factor, action) so that one file holds
    /// the whole month and opens in any spreadsheet. Ratios are invariant-culture decimals; withheld figures are empty.
    /// </summary>
    public static string Csv(IReadOnlyList<DepartmentMonth> months)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        // Action titles are typed by people: a leading =, +, - or @ is escaped so that no spreadsheet runs it.
        // Numbers are written as numbers, which the escape leaves alone (a negative budget stays a number).
        using var csv = CsvWriter.Create(text, new CsvWriterOptions { Injection = CsvInjection.Escape }, leaveOpen: true);
        csv.WriteHeader(["department", "month", "section", "from", "until", "item", "target", "achieved", "budget_left", "users"]);
        foreach (var m in months)
        {
            var month = m.From.ToString("yyyy-MM", CultureInfo.InvariantCulture);
            Row(m, month, "objective", m.From, m.Until, "", m.Achieved, m.BudgetLeft, m.Users);
            foreach (var w in m.Weeks)
                Row(m, month, m.WorstWeeks.Contains(w) ? "worst_week" : "week", w.From, w.Until, "", w.Achieved, null, w.Users);
            foreach (var f in m.TopFactors) Row(m, month, "factor", null, null, f.Kind, null, null, f.Users);
            foreach (var a in m.Actions) Row(m, month, "action", a.ShippedAt, null, a.Title, null, null, null);
        }
        csv.Flush();
        return text.ToString();

        void Row(DepartmentMonth m, string month, string section, DateTimeOffset? from, DateTimeOffset? until, string item,
            double? achieved, double? budget, int? users)
        {
            csv.WriteField(m.Department);
            csv.WriteField(month);
            csv.WriteField(section);
            csv.WriteField(Date(from));
            csv.WriteField(Date(until));
            csv.WriteField(item);
            Number(m.Target);
            Number(achieved);
            Number(budget);
            if (users is { } u) csv.WriteField(u, "0", CultureInfo.InvariantCulture); else csv.WriteField("");
            csv.EndRecord();
        }

        void Number(double? r)
        {
            if (r is { } v) csv.WriteField(Math.Round(v, 4), "0.####", CultureInfo.InvariantCulture);
            else csv.WriteField("");
        }
    }

    public static string Date(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";

}
