using Monitor.Worker.Endpoints;
using Monitor.Worker.Privacy;

namespace Monitor.Worker.UserDirectory;

/// <summary>
/// <c>POST /api/directory/sync</c>: reads the directory now; with <c>?confirmRemoval=true</c> an operator
/// confirms an import that removes more than <c>Directory:MaxRemovalShare</c> of the users.
/// </summary>
public static class DirectoryApi
{
    public static IEndpointRouteBuilder MapDirectoryApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/directory/sync", async (bool? confirmRemoval, DirectorySync sync, ILoggerFactory logs,
            Privacy.PrivacyPolicy privacy, CancellationToken ct) =>
        {
            var confirmed = confirmRemoval ?? false;
            if (confirmed)
                logs.CreateLogger(typeof(DirectoryApi)).LogWarning("Directory import with removals confirmed by the admin API");
            var result = await sync.RunAsync(ct, confirmed);
            return result.Success
                ? Results.Ok(new { result.Changes!.Joined, result.Changes.Updated, result.Changes.Left })
                : Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "The directory was not imported",
                    // In anonymous mode the rows are named by their line, without the ids and addresses they hold.
                    detail: string.Join("\n", result.Errors.Take(20).Select(e => privacy.ShowsIndividuals ? e : DirectorySync.Unquoted(e))),
                    extensions: new Dictionary<string, object?> { ["reason"] = result.Refusal ?? DirectoryRefusal.BadRows });
        }).OnListener(Listener.Internal).NoIndividual(); // rows by their line in anonymous mode
        return app;
    }
}
