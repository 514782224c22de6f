using Monitor.Core.Objectives;
using Monitor.Worker.Endpoints;
using Monitor.Worker.Privacy;
using Prometheus;

namespace Monitor.Worker.Objectives;

/// <summary>
/// <c>GET /api/reports/objectives?month=yyyy-MM[&amp;department=…]</c> on the internal listener behind the admin key:
/// the monthly objective report as CSV (docs/objectives.md).
/// </summary>
public static class ObjectivesApi
{
    internal static readonly Counter Refused = Metrics.CreateCounter("satisfaction_objective_reports_refused_total",
        "Objective report requests (API or console) refused, by reason (bad_month, unknown_department).", "reason");

    public static IEndpointRouteBuilder MapObjectivesApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api").OnListener(Listener.Internal).MapGet("/reports/objectives",
            async (string? month, string? department, ObjectiveReports reports, ILogger<ObjectiveReports> logger, CancellationToken ct) =>
            {
                var (months, problem) = await ReadAsync(month, department, reports, logger, ct);
                if (problem is { } p) return Results.Problem(detail: p.Message, statusCode: p.Status);
                var name = $"objectives-{ObjectiveReports.ParseMonth(month)!.Value:yyyy-MM}.csv";
                return Results.File(System.Text.Encoding.UTF8.GetBytes(ObjectiveReports.Csv(months)), "text/csv; charset=utf-8", name);
            }).NoIndividual(); // departments above the group threshold
        return app;
    }

    /// <summary>A refusal: the status and what to tell the person.</summary>
    public sealed record Refusal(int Status, string Message);

    /// <summary>The month asked for, or why it cannot be answered (logged once and counted, without what was typed).</summary>
    public static async Task<(IReadOnlyList<DepartmentMonth> Months, Refusal? Problem)> ReadAsync(string? month, string? department,
        ObjectiveReports reports, ILogger logger, CancellationToken ct)
    {
        if (ObjectiveReports.ParseMonth(month) is not { } from)
            return ([], Refuse(logger, "bad_month", 400, "month must be a month as yyyy-MM, e.g. 2026-10."));
        department = string.IsNullOrWhiteSpace(department) ? null : department.Trim();
        var months = await reports.MonthAsync(from, department, ct);
        if (department is not null && months.Count == 0)
        {
            return ([], Refuse(logger, "unknown_department", 404,
                $"The directory has no department named \u201c{department}\u201d in that month."));
        }
        return (months, null);
    }

    private static Refusal Refuse(ILogger logger, string reason, int status, string message)
    {
        logger.LogInformation("Objective report request refused: {Reason}", reason);
        Refused.WithLabels(reason).Inc();
        return new Refusal(status, message);
    }
}
