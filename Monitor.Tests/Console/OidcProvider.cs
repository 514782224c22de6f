using System.Collections.Immutable;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Monitor.Tests.Infrastructure;
using OpenIddict.Abstractions;
using Microsoft.AspNetCore;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Monitor.Tests.Console;

/// <summary>A person known to the test identity provider, with the provider's role values (not ours).</summary>
public sealed record IdpUser(string Login, string Password, string DisplayName, params string[] Roles);

/// <summary>
/// A real OpenID Connect provider (OpenIddict, authorisation code flow with PKCE) on a free loopback port over
/// plain http, with ephemeral keys, one confidential client (the worker's console) and its own login form.
/// OpenIddict's degraded mode: no database, so the client checks below are the provider's whole client registry.
/// </summary>
public sealed class OidcProvider : IAsyncDisposable
{
    public const string ClientId = "monitor-console";
    public const string ClientSecret = "test-client-secret-0123456789";
    public const string StaffValue = "it-staff";
    public const string ViewerValue = "it-helpdesk";

    public static readonly IdpUser Alice = new("alice", "alice-password-1", "Alice Example", StaffValue, "everyone");
    public static readonly IdpUser Bob = new("bob", "bob-password-12", "Bob <Viewer>", ViewerValue);
    public static readonly IdpUser Carol = new("carol", "carol-password-1", "Carol Finance", "finance");

    private static readonly IdpUser[] Users = [Alice, Bob, Carol];
    private const string SessionScheme = "idp-session";

    private readonly WebApplication _app;
    private readonly Directory _directory;

    private OidcProvider(WebApplication app, string authority, Directory directory)
    {
        _app = app;
        Authority = authority;
        _directory = directory;
    }

    /// <summary>Refresh-token grants answered (with new tokens or refused).</summary>
    public int Refreshes => _directory.Refreshes;

    /// <summary>Revocation requests the provider accepted (RFC 7009), whether or not the token was one it knew.</summary>
    public int Revocations => _directory.Revocations;

    /// <summary>
    /// Makes the revocation endpoint take requests and not answer them until <c>release</c> is called: a provider that
    /// hangs. <c>arrived</c> completes when the first such request is in.
    /// </summary>
    public (Task Arrived, Action Release) HangRevocations()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _directory.RevocationGate = gate;
        return (_directory.RevocationArrived.Task, () => gate.TrySetResult());
    }

    /// <summary>
    /// Makes the token endpoint decide refresh-token grants and hold the answers until <c>release</c> is called: an answer
    /// on its way back. <c>arrived</c> completes when the first such grant is decided.
    /// </summary>
    public (Task Arrived, Action Release) HangRefreshes()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _directory.RefreshGate = gate;
        return (_directory.RefreshArrived.Task, () => gate.TrySetResult());
    }

    /// <summary>Makes the revocation endpoint refuse the console's client (invalid_client).</summary>
    public void RefuseRevocations() => _directory.RefuseRevocations = true;

    /// <summary>The refresh token the provider gave last (at a sign-in or a refresh).</summary>
    public string? LastRefreshToken => _directory.LastRefreshToken;

    /// <summary>
    /// Asks for new tokens with <paramref name="refreshToken"/>, as the console does: null when the provider grants them, else
    /// the provider's error code.
    /// </summary>
    public async Task<string?> RefreshErrorAsync(string refreshToken)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(Authority + "connect/token"), new FormUrlEncodedContent(
            new Dictionary<string, string>
            {
                ["grant_type"] = GrantTypes.RefreshToken, ["refresh_token"] = refreshToken,
                ["client_id"] = ClientId, ["client_secret"] = ClientSecret,
            }));
        var answer = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return answer.TryGetProperty("error", out var error) ? error.GetString() : null;
    }

    /// <summary>Changes a person's role values at the provider, as an administrator of the provider would.</summary>
    public void SetRoles(IdpUser user, params string[] roles) => _directory.Roles[user.Login] = roles;

    /// <summary>Disables the account: no sign-in, and its refresh tokens are refused.</summary>
    public void Disable(IdpUser user) => _directory.Disabled[user.Login] = true;

    /// <summary>The issuer, ending in '/'.</summary>
    public string Authority { get; }

    /// <summary>Settings that point the worker's console at this provider.</summary>
    public Dictionary<string, string> WorkerSettings() => new()
    {
        ["Console:Oidc:Authority"] = Authority,
        ["Console:Oidc:ClientId"] = ClientId,
        ["Console:Oidc:ClientSecret"] = ClientSecret,
        ["Console:Oidc:StaffRoles:0"] = StaffValue,
        ["Console:Oidc:ViewerRoles:0"] = ViewerValue,
    };

    /// <summary>Starts the provider for a worker whose console is at <paramref name="worker"/> (its internal listener).</summary>
    /// <param name="refreshTokens">Whether the provider grants refresh tokens (offline_access); some give none.</param>
    /// <param name="revocation">Whether it has a revocation endpoint (RFC 7009) in its discovery document; some have none.</param>
    /// <param name="endSession">Whether it has an end-session endpoint (RP-initiated logout); some have none.</param>
    public static async Task<OidcProvider> StartAsync(Uri worker, bool refreshTokens = true, bool revocation = true,
        bool endSession = true)
    {
        var directory = new Directory();
        var port = TestPaths.FreePort();
        var authority = $"http://127.0.0.1:{port}/";
        var redirectUri = new Uri(worker, "/console/signin-oidc").AbsoluteUri;
        var postLogoutUri = new Uri(worker, "/console/signout-callback-oidc").AbsoluteUri;

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(authority);
        builder.Logging.ClearProviders();
        builder.Services.AddAuthentication(SessionScheme).AddCookie(SessionScheme, o =>
        {
            o.Cookie.Name = "test-idp-session";
            o.LoginPath = "/login";
        });
        builder.Services.AddAuthorization();
        builder.Services.AddOpenIddict().AddServer(o =>
        {
            o.SetIssuer(new Uri(authority));
            o.SetAuthorizationEndpointUris("connect/authorize").SetTokenEndpointUris("connect/token");
            if (endSession) o.SetEndSessionEndpointUris("connect/endsession");
            if (revocation) o.SetRevocationEndpointUris("connect/revoke");
            o.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
            if (refreshTokens) o.AllowRefreshTokenFlow();
            o.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
            o.RegisterScopes(Scopes.Profile, Scopes.Email, Scopes.Roles);
            o.EnableDegradedMode();
            var aspNetCore = o.UseAspNetCore().DisableTransportSecurityRequirement().EnableAuthorizationEndpointPassthrough();
            if (endSession) aspNetCore.EnableEndSessionEndpointPassthrough();
            o.AddEventHandler<ValidateAuthorizationRequestContext>(h => h.UseInlineHandler(c =>
            {
                if (c.ClientId != ClientId) c.Reject(Errors.InvalidClient, "Unknown client.");
                else if (c.RedirectUri != redirectUri) c.Reject(Errors.InvalidRequest, $"redirect_uri must be {redirectUri}.");
                return default;
            }));
            o.AddEventHandler<ValidateTokenRequestContext>(h => h.UseInlineHandler(c =>
            {
                if (c.ClientId != ClientId || c.ClientSecret != ClientSecret) c.Reject(Errors.InvalidClient, "Bad client credentials.");
                return default;
            }));
            // A refresh reads the person as the provider knows them now: current roles, or refused when disabled or revoked.
            o.AddEventHandler<HandleTokenRequestContext>(h => h.UseInlineHandler(async c =>
            {
                if (!c.Request.IsRefreshTokenGrantType() || c.Principal is null) return;
                Interlocked.Increment(ref directory.Refreshes);
                var user = directory.Current(c.Principal.GetClaim(Claims.Subject)!);
                if (user is null) c.Reject(Errors.InvalidGrant, "The account is disabled.");
                else if (directory.Revoked.ContainsKey(c.Request.RefreshToken!)) c.Reject(Errors.InvalidGrant, "The token was revoked.");
                else c.Principal = Principal(user, c.Principal.GetScopes());
                // The answer is decided; a test may hold it on its way back (HangRefreshes).
                if (directory.RefreshGate is { } gate)
                {
                    directory.RefreshArrived.TrySetResult();
                    await gate.Task;
                }
            }).SetOrder(int.MaxValue));
            o.AddEventHandler<ApplyTokenResponseContext>(h => h.UseInlineHandler(c =>
            {
                if (c.Response.RefreshToken is { } issued) directory.LastRefreshToken = issued;
                return default;
            }));
            // Degraded mode stores no tokens, so the provider keeps the revoked ones itself; the client is checked as at
            // the token endpoint.
            o.AddEventHandler<ValidateRevocationRequestContext>(h => h.UseInlineHandler(c =>
            {
                if (c.ClientId != ClientId || c.ClientSecret != ClientSecret || directory.RefuseRevocations)
                    c.Reject(Errors.InvalidClient, "Bad client credentials.");
                return default;
            }));
            o.AddEventHandler<HandleRevocationRequestContext>(h => h.UseInlineHandler(async c =>
            {
                if (directory.RevocationGate is { } gate)
                {
                    directory.RevocationArrived.TrySetResult();
                    await gate.Task;
                }
                Interlocked.Increment(ref directory.Revocations);
                directory.Revoked[c.Request.Token!] = 0;
            }));
            o.AddEventHandler<ValidateEndSessionRequestContext>(h => h.UseInlineHandler(c =>
            {
                if (c.PostLogoutRedirectUri is { } uri && uri != postLogoutUri)
                    c.Reject(Errors.InvalidRequest, $"post_logout_redirect_uri must be {postLogoutUri}.");
                return default;
            }));
        });

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/login", (string? returnUrl) => LoginPage(returnUrl ?? "/", null));
        app.MapPost("/login", async ([FromForm] string login, [FromForm] string password, [FromForm] string returnUrl, HttpContext http) =>
        {
            var user = Users.FirstOrDefault(u => u.Login == login && u.Password == password && directory.Current(u.Login) is not null);
            if (user is null) return LoginPage(returnUrl, "Wrong login or password.");
            var identity = new ClaimsIdentity(SessionScheme, ClaimTypes.Name, ClaimTypes.Role);
            identity.AddClaim(new Claim(ClaimTypes.Name, user.Login));
            await http.SignInAsync(SessionScheme, new ClaimsPrincipal(identity));
            return Results.Redirect(returnUrl.StartsWith('/') ? returnUrl : "/");
        }).DisableAntiforgery();
        app.MapMethods("/connect/authorize", [HttpMethods.Get, HttpMethods.Post], async (HttpContext http) =>
        {
            var request = http.GetOpenIddictServerRequest()!;
            var session = await http.AuthenticateAsync(SessionScheme);
            if (!session.Succeeded)
            {
                var back = new AuthenticationProperties { RedirectUri = http.Request.Path + http.Request.QueryString };
                return Results.Challenge(back, [SessionScheme]);
            }
            var user = directory.Current(session.Principal!.Identity!.Name!);
            if (user is null) return Results.Forbid(null, [SessionScheme]);
            return Results.SignIn(Principal(user, request.GetScopes()), null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        });
        app.MapMethods("/connect/endsession", [HttpMethods.Get, HttpMethods.Post], async (HttpContext http) =>
        {
            await http.SignOutAsync(SessionScheme);
            var properties = new AuthenticationProperties { RedirectUri = "/" };
            return Results.SignOut(properties, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        });
        await app.StartAsync();
        return new OidcProvider(app, authority, directory);
    }

    private static ClaimsPrincipal Principal(IdpUser user, ImmutableArray<string> scopes)
    {
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.Login).SetClaim(Claims.Name, user.DisplayName)
            .SetClaim(Claims.PreferredUsername, user.Login).SetClaims("roles", [.. user.Roles]);
        identity.SetScopes(scopes);
        identity.SetDestinations(_ => [Destinations.IdentityToken, Destinations.AccessToken]);
        return new ClaimsPrincipal(identity);
    }

    // The provider's people as they are now: roles changed and accounts disabled by a test.
    private sealed class Directory
    {
        public readonly System.Collections.Concurrent.ConcurrentDictionary<string, string[]> Roles = new();
        public readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> Disabled = new();
        public readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> Revoked = new();
        public int Refreshes;
        public int Revocations;
        public volatile string? LastRefreshToken;
        public volatile TaskCompletionSource? RevocationGate;
        public volatile TaskCompletionSource? RefreshGate;
        public readonly TaskCompletionSource RefreshArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public volatile bool RefuseRevocations;
        public readonly TaskCompletionSource RevocationArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IdpUser? Current(string login)
        {
            var user = Users.FirstOrDefault(u => u.Login == login);
            if (user is null || Disabled.ContainsKey(login)) return null;
            return Roles.TryGetValue(login, out var roles) ? user with { Roles = roles } : user;
        }
    }

    private static IResult LoginPage(string returnUrl, string? error)
    {
        var e = HtmlEncoder.Default;
        return Results.Content(
            "<!DOCTYPE html><html><head><title>Test identity provider</title></head><body><h1>Test identity provider</h1>" +
            (error is null ? "" : $"<p id=\"error\">{e.Encode(error)}</p>") +
            $"<form method=\"post\" action=\"/login\"><input type=\"hidden\" name=\"returnUrl\" value=\"{e.Encode(returnUrl)}\">" +
            "<input id=\"login\" name=\"login\"><input id=\"password\" name=\"password\" type=\"password\">" +
            "<button id=\"submit\" type=\"submit\">Log in</button></form></body></html>", "text/html; charset=utf-8");
    }

    private int _disposed;

    /// <summary>Stops the provider (a test may stop it early: the provider down).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) await _app.DisposeAsync();
    }
}
