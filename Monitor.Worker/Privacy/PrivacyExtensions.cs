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
    /// After routing and the admin key: in anonymous mode a request to an admin API endpoint whose <see cref="PrivacyScope"/>
    /// says it is about individuals answers 403, and so does one to an /api endpoint that declares no scope (fails closed;
    /// the guard test keeps there being none). A read of one person (<c>GET /api/users/{id}</c>) that succeeds is recorded
    /// in the audit log with the actor. Decided by the endpoint the request was routed to, not by its path: every
    /// spelling that reaches the endpoint (a trailing slash, another case, a percent-encoded segment) is judged alike.
    /// </summary>
    public static IApplicationBuilder UsePrivacy(this IApplicationBuilder app)
    {
        var policy = app.ApplicationServices.GetRequiredService<PrivacyPolicy>();
        return app.Use(async (context, next) =>
        {
            var endpoint = context.GetEndpoint();
            var scope = endpoint?.Metadata.GetMetadata<PrivacyScope>();
            var undeclared = scope is null && endpoint is RouteEndpoint route && PrivacyScope.IsAdminApi(route.RoutePattern);
            if (!policy.ShowsIndividuals && (undeclared || scope?.IsAboutIndividuals(context.Request) == true))
            {
                await Results.Problem(statusCode: StatusCodes.Status403Forbidden, detail:
                    "Privacy:Mode is anonymous: the monitor shows no individual. Group figures are in /metrics; " +
                    "an access request is answered with GET /api/users/{id}/export.").ExecuteAsync(context);
                return;
            }
            if (scope?.AuditedPerson is { } key && context.GetRouteValue(key) is string person)
            {
                // Recorded as the answer starts, before any of the person's data leaves: an access that cannot be
                // recorded fails (500) rather than going unrecorded. The route value is the id the handler read.
                context.Response.OnStarting(() => context.Response.StatusCode == StatusCodes.Status200OK
                    ? RecordViewAsync(context, person)
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
