using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Monitor.Core.Ports;
using Monitor.Probes;
using Monitor.Worker.StaffConsole;

namespace Monitor.Worker.Privacy;

/// <summary>Registers the privacy mode, the audit log, personal-data export and erasure; guards the admin API's reads.</summary>
public static class PrivacyExtensions
{
    public static IServiceCollection AddPrivacy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<PrivacyOptions, PrivacyOptionsValidator>(configuration, PrivacyOptions.Section);
        services.AddSingleton<PrivacyPolicy>();
        // The one group threshold (Privacy:MinGroupSize) for the exporter's group figures; other readers take PrivacyOptions.
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<PrivacyOptions>>().Value.Thresholds);
        services.AddSingleton<IUserLogName>(sp => sp.GetRequiredService<PrivacyPolicy>());
        services.AddSingleton<AuditRepository>();
        services.Replace(ServiceDescriptor.Singleton<IAuditLog>(sp => sp.GetRequiredService<AuditRepository>()));
        services.AddSingleton<PersonalDataRepository>();
        services.AddSingleton<PersonalData>();
        services.AddSingleton<GroupCommentRepository>();
        services.AddSingleton<IAuthorizationHandler, IndividualsVisibleHandler>();
        return services;
    }

    /// <summary>
    /// After the admin key: in anonymous mode the reads that list individuals answer 403; a read of one person
    /// (<c>GET /api/users/{id}</c>) that succeeds is recorded in the audit log with the actor.
    /// </summary>
    public static IApplicationBuilder UsePrivacy(this IApplicationBuilder app)
    {
        var policy = app.ApplicationServices.GetRequiredService<PrivacyPolicy>();
        return app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
            {
                await next(context);
                return;
            }
            var segments = context.Request.Path.Value!.Trim('/').Split('/');
            var get = HttpMethods.IsGet(context.Request.Method);
            var oneUser = get && segments.Length == 3 && Is(segments[1], "users");
            if (!policy.ShowsIndividuals && (oneUser || AboutIndividuals(context.Request, segments, get)))
            {
                await Results.Problem(statusCode: StatusCodes.Status403Forbidden, detail:
                    "Privacy:Mode is anonymous: the monitor shows no individual. Group figures are in /metrics; " +
                    "an access request is answered with GET /api/users/{id}/export.").ExecuteAsync(context);
                return;
            }
            if (oneUser)
            {
                // Recorded as the answer starts, before any of the person's data leaves: an access that cannot be
                // recorded fails (500) rather than going unrecorded.
                context.Response.OnStarting(() => context.Response.StatusCode == StatusCodes.Status200OK
                    ? RecordViewAsync(context, Uri.UnescapeDataString(segments[2]))
                    : Task.CompletedTask);
            }
            await next(context);
        });
    }

    private static Task RecordViewAsync(HttpContext context, string userId)
    {
        var services = context.RequestServices;
        return services.GetRequiredService<IAuditLog>().RecordAsync(new AuditEntry(
            services.GetRequiredService<TimeProvider>().GetUtcNow(),
            PrivacyApi.ActorName(services.GetRequiredService<ICurrentActor>()), AuditActions.ViewUser, userId), context.RequestAborted);
    }

    /// <summary>
    /// The admin API's lists of people by name or id: users, state changes, who to visit (and its CSV), comments with
    /// their writer. Like the console's staff pages, none is shown in anonymous mode.
    /// </summary>
    private static readonly HashSet<string> ListsIndividuals =
        new(["users", "state-changes", "outreach", "outreach.csv", "comments"], StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Besides one person's record (<c>GET /api/users/{id}</c>), what answers about individuals, refused in anonymous mode:
    /// the lists above, a person's visits, the downtimes of one person (<c>?user=</c>) and the audit entries about one
    /// (<c>?subject=</c>), a lunch (drawn by name) and its attendance, and an acknowledgement (whose answer says whether the
    /// person is down).
    /// </summary>
    private static bool AboutIndividuals(HttpRequest request, string[] segments, bool get)
    {
        var users = segments.Length == 4 && Is(segments[1], "users");
        if (get)
        {
            return segments.Length == 2 && ListsIndividuals.Contains(segments[1]) ||
                   users && Is(segments[3], "visits") ||
                   segments.Length == 2 && Is(segments[1], "downtimes") && request.Query.ContainsKey("user") ||
                   segments.Length == 2 && (Is(segments[1], "audit") || Is(segments[1], "audit.csv")) && request.Query.ContainsKey("subject");
        }
        return segments.Length >= 2 && Is(segments[1], "lunches") || users && Is(segments[3], "acknowledgement");
    }

    private static bool Is(string segment, string name) => string.Equals(segment, name, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Part of the console's <c>Staff</c> policy: nobody passes it in anonymous mode, where no individual is shown.</summary>
public sealed class IndividualsVisible : IAuthorizationRequirement;

internal sealed class IndividualsVisibleHandler(PrivacyPolicy policy) : AuthorizationHandler<IndividualsVisible>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, IndividualsVisible requirement)
    {
        if (policy.ShowsIndividuals) context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
