using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Monitor.Probes;
using Monitor.Worker.Endpoints;
using Monitor.Worker.Privacy;
using Monitor.Worker.Storage;

namespace Monitor.Worker.StaffConsole;

/// <summary>
/// The IT staff console's sign-in: a cookie session on the internal listener, opened by OpenID Connect when
/// <c>Console:Oidc:Authority</c> is set, else by the local account. The admin API keeps its bearer key.
/// </summary>
public static class ConsoleExtensions
{
    public const string CookieScheme = "console";
    public const string OidcScheme = "console-oidc";
    public const string CallbackPath = "/console/signin-oidc";
    public const string SignedOutCallbackPath = "/console/signout-callback-oidc";

    private static readonly string[] BaseScopes = ["openid", "profile"];
    private const string OfflineAccess = "offline_access";

    // Where a person's name may be, best first.
    private static readonly string[] NameClaims = ["name", "preferred_username", "email"];

    public static WebApplicationBuilder AddConsole(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<ConsoleOptions, ConsoleOptionsValidator>(builder.Configuration, ConsoleOptions.Section);
        // Which schemes exist is decided while composing, so this section is validated now.
        var console = ValidatedOptions.Read(builder.Configuration, ConsoleOptions.Section, new ConsoleOptionsValidator());

        services.AddHttpContextAccessor();
        services.AddSingleton<ICurrentActor, CurrentActor>();
        services.AddSingleton<ConsoleAccountRepository>();
        services.AddSingleton<ConsoleSessionRepository>();
        // One key ring for every replica, in the store: a session opened on one replica is valid on all.
        services.AddDataProtection().SetApplicationName("satisfaction-monitor");
        services.AddOptions<KeyManagementOptions>().Configure<Database>((o, db) => o.XmlRepository = new StoreKeyRepository(db));
        services.AddSingleton<ConsoleSecrets>();
        services.AddSingleton<OidcSessionRepository>();
        services.AddSingleton<OidcSessionCheck>();
        services.AddSingleton<LocalAccount>();
        services.AddHostedService<FirstRunLink>();
        services.AddPeoplePages();

        var auth = services.AddAuthentication(o =>
        {
            o.DefaultScheme = CookieScheme;
            o.DefaultChallengeScheme = CookieScheme;
        }).AddCookie(CookieScheme, o =>
        {
            o.Cookie.Name = "monitor-console";
            o.Cookie.Path = "/console";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            // A fixed lifetime from sign-in: activity does not extend it.
            o.ExpireTimeSpan = console.SessionLifetime;
            o.SlidingExpiration = false;
            o.LoginPath = "/console/sign-in";
            o.LogoutPath = "/console/sign-out";
            o.AccessDeniedPath = "/console/denied";
            o.ReturnUrlParameter = "returnUrl";
            o.Events.OnValidatePrincipal = RefuseEndedSessions;
            var redirect = o.Events.OnRedirectToLogin;
            o.Events.OnRedirectToLogin = context =>
                // A session just ended by the provider's answer: the person is told why instead of being sent round again.
                context.HttpContext.Items[OidcSessionCheck.EndedItem] is string why
                    ? ConsolePages.Message(StatusCodes.Status401Unauthorized, "Signed out", why, "/console/sign-in", "Sign in again")
                        .ExecuteAsync(context.HttpContext)
                    : redirect(context);
        });
        if (console.UsesOidc) auth.AddOpenIdConnect(OidcScheme, o => ConfigureOidc(o, console));

        services.AddAuthorizationBuilder()
            // Privacy:Mode anonymous: nobody sees individuals, so nobody passes the Staff policy (IndividualsVisibleHandler).
            .AddPolicy(ConsoleRoles.StaffPolicy, p => p.RequireRole(ConsoleRoles.Staff).AddRequirements(new IndividualsVisible()))
            .AddPolicy(ConsoleRoles.ViewerPolicy, p => p.RequireRole(ConsoleRoles.Staff, ConsoleRoles.Viewer));
        services.AddOptions<Microsoft.AspNetCore.RateLimiting.RateLimiterOptions>()
            .Configure(o => o.AddPolicy<string, SignInLimit>(SignInLimit.Policy));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "monitor-console-af";
            o.Cookie.Path = "/console";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.FormFieldName = ConsolePages.AntiforgeryField;
        });
        // Every cookie of the console is Secure when the internal listener is https.
        services.AddOptions<CookieAuthenticationOptions>(CookieScheme).Configure<IOptions<EndpointOptions>>(
            (o, e) => o.Cookie.SecurePolicy = SecurePolicy(e.Value));
        services.AddOptions<AntiforgeryOptions>().Configure<IOptions<EndpointOptions>>(
            (o, e) => o.Cookie.SecurePolicy = SecurePolicy(e.Value));
        services.AddOptions<OpenIdConnectOptions>(OidcScheme).Configure<IOptions<EndpointOptions>>((o, e) =>
        {
            o.CorrelationCookie.SecurePolicy = SecurePolicy(e.Value);
            o.NonceCookie.SecurePolicy = SecurePolicy(e.Value);
        });
        return builder;
    }

    private static async Task RefuseEndedSessions(CookieValidatePrincipalContext context)
    {
        // The console lives on the internal listener only: its cookie, sent to the public listener, signs nobody in there.
        var endpoints = context.HttpContext.RequestServices.GetRequiredService<IOptions<EndpointOptions>>().Value;
        if (context.HttpContext.Connection.LocalPort != endpoints.InternalPort)
        {
            context.RejectPrincipal();
            return;
        }
        var sessionId = context.Principal?.FindFirst(ConsoleRoles.SessionClaim)?.Value;
        var sessions = context.HttpContext.RequestServices.GetRequiredService<ConsoleSessionRepository>();
        if (sessionId is null || await sessions.IsRevokedAsync(sessionId, context.HttpContext.RequestAborted) ||
            !await LocalAccountUnchanged(context) || !await ProviderStillConfirms(context))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieScheme);
        }
    }

    // A session of the local account holds only while the account is the one it signed in to: same name, same password.
    private static async Task<bool> LocalAccountUnchanged(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal!;
        if (!principal.HasClaim(ConsoleRoles.MethodClaim, "local")) return true;
        var account = context.HttpContext.RequestServices.GetRequiredService<LocalAccount>();
        return await account.StampMatchesAsync(principal.FindFirst(ConsoleRoles.AccountClaim)?.Value, context.HttpContext.RequestAborted);
    }

    // A session of the identity provider holds while the provider confirms the role, re-checked every RecheckInterval.
    private static async Task<bool> ProviderStillConfirms(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        if (!context.Principal!.HasClaim(ConsoleRoles.MethodClaim, "oidc") ||
            !services.GetRequiredService<IOptions<ConsoleOptions>>().Value.UsesOidc) return true;
        return await services.GetRequiredService<OidcSessionCheck>().HoldsAsync(context);
    }

    private static CookieSecurePolicy SecurePolicy(EndpointOptions endpoints) =>
        new Uri(endpoints.Internal).Scheme == Uri.UriSchemeHttps ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;

    private static void ConfigureOidc(OpenIdConnectOptions o, ConsoleOptions console)
    {
        var oidc = console.Oidc;
        o.SignInScheme = CookieScheme;
        o.Authority = oidc.Authority;
        o.ClientId = oidc.ClientId;
        o.ClientSecret = string.IsNullOrEmpty(oidc.ClientSecret) ? null : oidc.ClientSecret;
        o.ResponseType = "code";
        o.UsePkce = true;
        // The code comes back in a top-level GET, so the correlation cookies can be SameSite=Lax like the session's.
        o.ResponseMode = "query";
        o.CallbackPath = CallbackPath;
        o.SignedOutCallbackPath = SignedOutCallbackPath;
        o.SignedOutRedirectUri = "/console/signed-out";
        o.RequireHttpsMetadata = !oidc.IsLoopbackHttp;
        o.MapInboundClaims = false;
        o.SaveTokens = false;
        o.UseTokenLifetime = false;
        o.Scope.Clear();
        foreach (var scope in BaseScopes.Concat(oidc.Scopes).Distinct(StringComparer.Ordinal)) o.Scope.Add(scope);
        o.CorrelationCookie.SameSite = SameSiteMode.Lax;
        o.NonceCookie.SameSite = SameSiteMode.Lax;
        o.Events.OnRedirectToIdentityProvider = async context =>
        {
            // A refresh token lets the role be re-checked unseen: asked for where the provider says it grants one.
            var configuration = await context.Options.ConfigurationManager!.GetConfigurationAsync(context.HttpContext.RequestAborted);
            if (configuration.ScopesSupported.Contains(OfflineAccess) && !context.ProtocolMessage.Scope.Split(' ').Contains(OfflineAccess))
                context.ProtocolMessage.Scope += " " + OfflineAccess;
        };
        o.Events.OnTokenValidated = async context =>
        {
            var provider = context.Principal!;
            var role = ConsoleRoles.Map(provider.FindAll(oidc.RoleClaim).Select(c => c.Value), oidc);
            var subject = provider.FindFirst("sub")?.Value;
            var name = NameClaims.Select(t => provider.FindFirst(t)?.Value)
                .FirstOrDefault(v => !string.IsNullOrWhiteSpace(v)) ?? subject;
            if (role is null || string.IsNullOrWhiteSpace(name))
            {
                context.Fail($"'{name}' has none of the roles of Console:Oidc:StaffRoles or ViewerRoles in the '{oidc.RoleClaim}' claim.");
                return;
            }
            // Only what the console needs goes into the cookie: a name, our role, how and who (the provider's subject).
            context.Principal = ConsoleRoles.Principal(name, role, "oidc", subject);
            // The refresh token, for the re-check of the role, stays in the store.
            await context.HttpContext.RequestServices.GetRequiredService<OidcSessionCheck>().StartAsync(
                context.Principal.FindFirst(ConsoleRoles.SessionClaim)!.Value, context.TokenEndpointResponse?.RefreshToken,
                context.HttpContext.RequestAborted);
        };
        o.Events.OnRedirectToIdentityProviderForSignOut = context =>
        {
            // Providers that check post_logout_redirect_uri (Keycloak, OpenIddict) need the client without an id_token_hint.
            context.ProtocolMessage.ClientId = oidc.ClientId;
            return Task.CompletedTask;
        };
        o.Events.OnRemoteFailure = async context =>
        {
            context.HandleResponse();
            var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ConsoleExtensions));
            logger.LogWarning("Console sign-in through OpenID Connect refused: {Reason}", context.Failure?.Message);
            await ConsolePages.Message(StatusCodes.Status403Forbidden, "Sign-in refused",
                "The identity provider did not sign you in to the console, or your account has no console role. " +
                "Ask for the staff or viewer role, then try again.", link: "/console/sign-in").ExecuteAsync(context.HttpContext);
        };
    }

    /// <summary>
    /// Authorisation and anti-forgery run for /console only, after the listener check and the admin key: /api keeps its
    /// bearer key, /metrics and the health endpoints stay open. Authentication runs early in MapMonitor, inside the store
    /// outage handling; only the console's cookie (path /console) makes it do anything.
    /// </summary>
    public static WebApplication MapConsole(this WebApplication app)
    {
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/console", StringComparison.OrdinalIgnoreCase), console =>
        {
            console.UseAuthorization();
            console.UseAntiforgery();
        });
        app.MapConsoleEndpoints();
        app.MapPeopleEndpoints();
        return app;
    }
}
