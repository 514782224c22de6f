using Microsoft.Extensions.Options;
using Monitor.Core.Value;
using Monitor.Probes.Pulse;
using Monitor.Worker.Privacy;
using Monitor.Worker.Storage;
using Monitor.Worker.Value;

namespace Monitor.Worker.Endpoints;

/// <summary>
/// Campaigns on the admin API: ask a question set (typically <c>value</c>) of some departments and ranks for a while,
/// instead of <c>Pulse:QuestionSet</c>. Behind the admin key like the rest of <c>/api</c>.
/// </summary>
public static class CampaignsApi
{
    private static readonly string[] RankNames =
        [ValueAlignment.IndividualContributor, ValueAlignment.ManagerRank, ValueAlignment.ExecutiveRank];

    public static IEndpointRouteBuilder MapCampaigns(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/campaigns").OnListener(Listener.Internal);

        api.MapGet("", async (CampaignRepository campaigns, CancellationToken ct) => Results.Ok(await campaigns.ListAsync(ct)))
            .NoIndividual();

        api.MapPost("", async (CampaignRequest? body, CampaignRepository campaigns, BoardRepository board,
            IOptions<PulseOptions> pulse, TimeProvider time, CancellationToken ct) =>
        {
            if (body is null) return Problem("The body must be a JSON object.");
            var now = time.GetUtcNow();
            var departments = (await board.LoadAsync(now, ct)).Select(r => r.Department).ToHashSet(StringComparer.Ordinal);
            if (Validate(body, departments, pulse.Value, now) is { } problem) return Problem(problem);
            var campaign = new Campaign(Guid.CreateVersion7(), body.QuestionSet!, Names(body.Departments), Names(body.Ranks),
                body.Start!.Value, body.End!.Value, now);
            await campaigns.AddAsync(campaign, ct);
            return Results.Created($"/api/campaigns/{campaign.Id}", campaign);
        }).NoIndividual();

        api.MapDelete("/{id}", async (string id, CampaignRepository campaigns, CancellationToken ct) =>
            Guid.TryParse(id, out var guid) && await campaigns.DeleteAsync(guid, ct)
                ? Results.NoContent()
                : Results.Problem(detail: $"No campaign '{id}'.", statusCode: 404))
            .NoIndividual();
        return app;
    }

    /// <summary>The first thing wrong with the request, naming the field; null when it is valid.</summary>
    internal static string? Validate(CampaignRequest body, IReadOnlySet<string> departments, PulseOptions pulse, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(body.QuestionSet)) return "questionSet is required (e.g. \"value\").";
        var questions = PulseQuestions.Resolve(body.QuestionSet, pulse.QuestionSets);
        if (questions is null || questions.Length == 0)
            return $"questionSet '{body.QuestionSet}' is not a question set (built in: {string.Join(", ", PulseQuestions.BuiltIn.Keys)}).";
        for (var i = 0; i < (body.Departments?.Length ?? 0); i++)
        {
            if (!departments.Contains(body.Departments![i] ?? ""))
                return $"departments[{i}] '{body.Departments[i]}' is not a department in the directory.";
        }
        for (var i = 0; i < (body.Ranks?.Length ?? 0); i++)
        {
            if (!RankNames.Contains(body.Ranks![i]))
                return $"ranks[{i}] '{body.Ranks[i]}' is not one of {string.Join(", ", RankNames)}.";
        }
        if (body.Start is null) return "start is required (an ISO 8601 time with offset).";
        if (body.End is null) return "end is required (an ISO 8601 time with offset).";
        if (body.End <= body.Start) return "end must be after start.";
        if (body.End <= now) return "end is in the past: the campaign would never run.";
        return null;
    }

    // Validated non-null; duplicates dropped.
    private static string[] Names(string?[]? names) => names?.Select(n => n!).Distinct(StringComparer.Ordinal).ToArray() ?? [];

    private static IResult Problem(string detail) => Results.Problem(detail: detail, statusCode: 400);

    /// <summary>The body of <c>POST /api/campaigns</c>; empty or missing lists mean every department (rank).</summary>
    public sealed record CampaignRequest(string? QuestionSet, string?[]? Departments, string?[]? Ranks, DateTimeOffset? Start,
        DateTimeOffset? End);
}
