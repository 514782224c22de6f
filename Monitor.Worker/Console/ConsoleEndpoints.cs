using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Monitor.Worker.Endpoints;

namespace Monitor.Worker.StaffConsole;

/// <summary>The console's pages under /console/ on the internal listener: home, sign-in, first-run set-up, sign-out.</summary>
internal static class ConsoleEndpoints
{
    public static IEndpointRouteBuilder MapConsoleEndpoints(this IEndpointRouteBuilder app)
    {
        var console = app.MapGroup("/console").OnListener(Listener.Internal);

        console.MapGet("/", async (HttpContext http, IAntiforgery antiforgery, ICurrentActor actor, ConsoleHome home,
            CancellationToken ct) =>
        {
            var who = actor.Current!;
            return ConsolePages.Home(antiforgery.GetAndStoreTokens(http), who.Name, who.Role, await home.RenderAsync(who, ct));
        }).RequireAuthorization(ConsoleRoles.ViewerPolicy);

        console.MapGet("/sign-in", (string? returnUrl, HttpContext http, IAntiforgery antiforgery, IOptions<ConsoleOptions> options,
            LocalAccount account) =>
        {
            var target = SafeReturnUrl(returnUrl);
            if (options.Value.UsesOidc)
                return Results.Challenge(new AuthenticationProperties { RedirectUri = target }, [ConsoleExtensions.OidcScheme]);
            if (http.User.Identity?.IsAuthenticated == true) return Results.Redirect(target);
            return ConsolePages.SignIn(antiforgery.GetAndStoreTokens(http), account.UserName, target, null);
        });

        console.MapPost("/sign-in", async ([FromForm] string? user, [FromForm] string? password, [FromForm] string? returnUrl,
            HttpContext http, IAntiforgery antiforgery, IOptions<ConsoleOptions> options, LocalAccount account,
            ILogger<LocalAccount> logger, CancellationToken ct) =>
        {
            if (options.Value.UsesOidc) return Results.NotFound();
            if (!await account.VerifyAsync(user, password, ct))
            {
                // Typed by anyone who reaches the sign-in page: a newline or a bidi override would forge or reorder log lines.
                logger.LogWarning("Console sign-in refused for '{User}': wrong user or password", Monitor.Core.LogSafe.Value(user));
                return ConsolePages.SignIn(antiforgery.GetAndStoreTokens(http), user ?? "", SafeReturnUrl(returnUrl),
                    "Wrong user or password.");
            }
            logger.LogInformation("Console: '{User}' signed in with the local account", account.UserName);
            return Results.SignIn(ConsoleRoles.Principal(account.UserName, ConsoleRoles.Staff, "local", account: await account.StampAsync(ct)),
                new AuthenticationProperties { RedirectUri = SafeReturnUrl(returnUrl) }, ConsoleExtensions.CookieScheme);
        }).RequireRateLimiting(SignInLimit.Policy);

        console.MapGet("/setup", (string? token, HttpContext http, IAntiforgery antiforgery, LocalAccount account) =>
            account.LinkValid(token)
                ? ConsolePages.Setup(antiforgery.GetAndStoreTokens(http), account.UserName, token!, null)
                : LinkInvalid());

        console.MapPost("/setup", async ([FromForm] string? token, [FromForm] string? password, [FromForm] string? confirmation,
            HttpContext http, IAntiforgery antiforgery, LocalAccount account, ILogger<LocalAccount> logger, CancellationToken ct) =>
        {
            var result = await account.SetPasswordAsync(token, password, confirmation, ct);
            switch (result)
            {
                case LocalAccount.SetupResult.Done:
                    logger.LogWarning("Console: the password of the local account '{User}' was set through the one-time link",
                        account.UserName);
                    return ConsolePages.Message(200, "Password set", "The one-time link is used up. Sign in with the new password.",
                        "/console/sign-in");
                case LocalAccount.SetupResult.LinkInvalid:
                    return LinkInvalid();
                default:
                    var error = result == LocalAccount.SetupResult.TooShort
                        ? $"The password needs at least {LocalAccountOptions.MinimumPasswordLength} characters."
                        : "The two passwords differ.";
                    return ConsolePages.Setup(antiforgery.GetAndStoreTokens(http), account.UserName, token!, error);
            }
        });

        // A form post (with its anti-forgery token), so that a link or an image elsewhere cannot sign anyone out.
        console.MapPost("/sign-out", async (IFormCollection form, HttpContext http, IOptions<ConsoleOptions> options,
            ConsoleSessionRepository sessions, OidcSessionCheck oidcSessions, TimeProvider time, CancellationToken ct) =>
        {
            var session = await http.AuthenticateAsync(ConsoleExtensions.CookieScheme);
            if (session.Principal?.FindFirst(ConsoleRoles.SessionClaim)?.Value is { } sessionId)
            {
                var now = time.GetUtcNow();
                await sessions.RevokeAsync(sessionId, session.Properties?.ExpiresUtc ?? now + options.Value.SessionLifetime, now, ct);
                await oidcSessions.ForgetAsync(sessionId, ct); // its refresh token revoked at the provider and deleted here
            }
            var properties = new AuthenticationProperties { RedirectUri = "/console/signed-out" };
            // RP-initiated logout: the browser goes on to the provider's end-session endpoint, when it has one.
            var viaProvider = options.Value.UsesOidc && http.User.HasClaim(ConsoleRoles.MethodClaim, "oidc") &&
                              await oidcSessions.ProviderEndsSessionsAsync(ct);
            return viaProvider
                ? Results.SignOut(properties, [ConsoleExtensions.CookieScheme, ConsoleExtensions.OidcScheme])
                : Results.SignOut(properties, [ConsoleExtensions.CookieScheme]);
        });

        console.MapGet("/signed-out", () => ConsolePages.Message(200, "Signed out", "You are signed out of the IT staff console.",
            "/console/"));

        console.MapGet("/denied", () => ConsolePages.Message(403, "Not allowed",
            "Your role does not allow this page. Staff see individuals; viewers see groups only.", "/console/", "Back to the console"));
        return app;
    }

    private static IResult LinkInvalid() => ConsolePages.Message(410, "This link does not work",
        "The one-time link was already used, has expired, or was changed. Restart the worker for a new link, " +
        "or set Console:LocalAccount:Password.");

    /// <summary>Only a path inside the console: never another site (an open redirect) nor a protocol-relative URL.</summary>
    internal static string SafeReturnUrl(string? url) =>
        url is { Length: > 0 } u && u.StartsWith("/console", StringComparison.Ordinal) && !u.StartsWith("//", StringComparison.Ordinal) &&
        !u.Contains('\\', StringComparison.Ordinal) && Uri.IsWellFormedUriString(u, UriKind.Relative)
            ? u
            : "/console/";
}
