using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Monitor.Worker.StaffConsole;

/// <summary>
/// Re-checks an OpenID Connect session's role at the provider every <c>Console:Oidc:RecheckInterval</c>: with the
/// provider's refresh token (kept server-side), through the back channel and unseen by the person; without one, by a fresh
/// sign-in at the provider (silent while the provider's own session lasts). When a session ends (sign-out, or a check that
/// failed), the refresh token is revoked at the provider and deleted. See docs/console.md, "Re-checking the role".
/// </summary>
public sealed class OidcSessionCheck(IOptions<ConsoleOptions> console, IOptionsMonitor<OpenIdConnectOptions> oidcOptions,
    OidcSessionRepository sessions, ConsoleSessionRepository revoked, IDataProtectionProvider dataProtection, TimeProvider time,
    ILogger<OidcSessionCheck> logger)
{
    /// <summary>The key of <see cref="HttpContext.Items"/> that holds why a session just ended, for the page that says so.</summary>
    public const string EndedItem = "console-session-ended";

    // Longer than a refresh may take (its timeout is 10 s): a claim older than this was abandoned.
    private static readonly TimeSpan ClaimLease = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RefreshTimeout = TimeSpan.FromSeconds(10);
    // A sign-out waits for the provider at most this long.
    private static readonly TimeSpan RevocationTimeout = TimeSpan.FromSeconds(5);

    private readonly IDataProtector _protector = dataProtection.CreateProtector("Monitor.Console.OidcRefreshToken.v1");
    private int _noRevocationEndpointSaid;

    /// <summary>At sign-in: remembers the session as confirmed now, with the provider's refresh token if it gave one.</summary>
    public Task StartAsync(string sessionId, string? refreshToken, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        return sessions.SaveAsync(sessionId, Protect(refreshToken), now, now + console.Value.SessionLifetime, ct);
    }

    /// <summary>
    /// At sign-out: the session's refresh token, if the store holds one, is revoked at the provider, then deleted here
    /// whatever the provider answered.
    /// </summary>
    public async Task ForgetAsync(string sessionId, CancellationToken ct)
    {
        var row = await sessions.FindAsync(sessionId, ct);
        await ForgetAsync(sessionId, Unprotect(row?.RefreshToken));
    }

    /// <summary>
    /// Whether signing out should also end the person's session at the provider: only a provider whose discovery document
    /// lists an end-session endpoint can (the OpenID Connect handler fails without one).
    /// </summary>
    public async Task<bool> ProviderEndsSessionsAsync(CancellationToken ct)
    {
        try
        {
            var configuration = await oidcOptions.Get(ConsoleExtensions.OidcScheme).ConfigurationManager!.GetConfigurationAsync(ct);
            return !string.IsNullOrEmpty(configuration.EndSessionEndpoint);
        }
        catch (Exception e) when (IsUnreachable(e, ct))
        {
            return false; // its discovery document cannot be read: the browser could not be sent there either
        }
    }

    /// <summary>On every request of an OpenID Connect session: true while it holds (its principal may be replaced).</summary>
    public async Task<bool> HoldsAsync(CookieValidatePrincipalContext context)
    {
        var http = context.HttpContext;
        var ct = http.RequestAborted;
        var principal = context.Principal!;
        var sessionId = principal.FindFirst(ConsoleRoles.SessionClaim)!.Value;
        var interval = console.Value.Oidc.RecheckInterval;
        var now = time.GetUtcNow();
        var row = await sessions.FindAsync(sessionId, ct);
        // A session without a row (opened before this check existed) counts from its sign-in; without even that, it is due.
        var checkedAt = row?.CheckedAt ?? context.Properties.IssuedUtc ?? DateTimeOffset.MinValue;
        if (now < checkedAt + interval) return true;
        // Within one more interval the session may wait for a check that cannot be made now (provider down, or a form post).
        var withinGrace = now < checkedAt + 2 * interval;

        if (Unprotect(row?.RefreshToken) is not { } refreshToken)
        {
            // No refresh token: a fresh sign-in at the provider. A page (GET) goes there at once; a form post is kept within
            // the grace, so that a note being typed is saved, and the page after it goes to the provider.
            var form = !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method);
            if (form && withinGrace) return true;
            if (form)
            {
                await EndAsync(context, sessionId, null, "Your sign-in had to be confirmed at the identity provider again. What " +
                                                         "you sent was not saved: go back, copy it, sign in and send it again.");
            }
            else await sessions.DeleteAsync(sessionId, ct);
            return false;
        }

        // One refresh at a time per session: a request racing another's refresh (a second tab, another replica) goes on
        // within the grace, the refresh token is used once.
        var claimed = await sessions.ClaimAsync(sessionId, now, ClaimLease, ct);
        if (!claimed && withinGrace) return true;
        var outcome = claimed ? await RefreshAsync(refreshToken, principal.FindFirst("sub")?.Value, ct) : new Unreachable("busy");
        switch (outcome)
        {
            case Confirmed confirmed:
                if (!await sessions.ConfirmAsync(sessionId, Protect(confirmed.RefreshToken ?? refreshToken), now, ct))
                {
                    // Signed out while the provider was asked: the sign-out revoked the token it found, so a rotated one
                    // is revoked here, and the session stays ended.
                    if (confirmed.RefreshToken is { } rotated) await RevokeAsync(rotated);
                    return false;
                }
                if (!principal.IsInRole(confirmed.Role)) Replace(context, confirmed.Role);
                return true;
            case Unreachable unreachable when withinGrace:
                logger.LogWarning("Console: the identity provider could not confirm a session's role ({Reason}); the session " +
                                  "holds until {Deadline:u}", unreachable.Reason, checkedAt + 2 * interval);
                return true;
            case Unreachable:
                await EndAsync(context, sessionId, refreshToken, "The identity provider could not be reached to confirm your " +
                                                                 "access for too long. What you sent with this request was not saved.");
                return false;
            case Refused refused:
                logger.LogInformation("Console: the identity provider refused to renew a session: {Reason}", Monitor.Core.LogSafe.Value(refused.Reason));
                await EndAsync(context, sessionId, refused.RefreshToken ?? refreshToken,
                    refused.Message + " What you sent with this request was not saved.");
                return false;
            default:
                throw new InvalidOperationException(outcome.ToString());
        }
    }

    // The provider's answer to the refresh-token grant: the person's current role, or why there is none.
    private async Task<Outcome> RefreshAsync(string refreshToken, string? subject, CancellationToken ct)
    {
        var options = oidcOptions.Get(ConsoleExtensions.OidcScheme);
        var oidc = console.Value.Oidc;
        OpenIdConnectMessage answer;
        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await options.ConfigurationManager!.GetConfigurationAsync(ct);
            var request = ClientMessage();
            request.GrantType = OpenIdConnectGrantTypes.RefreshToken;
            request.RefreshToken = refreshToken;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(RefreshTimeout);
            using var response = await options.Backchannel.PostAsync(configuration.TokenEndpoint,
                new FormUrlEncodedContent(request.Parameters), timeout.Token);
            if ((int)response.StatusCode >= 500) return new Unreachable($"HTTP {(int)response.StatusCode}");
            answer = new OpenIdConnectMessage(await response.Content.ReadAsStringAsync(timeout.Token));
        }
        catch (Exception e) when (IsUnreachable(e, ct))
        {
            return new Unreachable(e.GetType().Name);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or ArgumentException)
        {
            return new Unreachable("an answer that is not JSON");
        }
        if (!string.IsNullOrEmpty(answer.Error))
        {
            return new Refused($"'{answer.Error}'", "The identity provider no longer renews your sign-in (your account or " +
                                                    "access was changed there, or the sign-in was revoked), so this session ended.");
        }
        // A provider that rotates refresh tokens gave a new one with this answer: that one is revoked when the session ends.
        var rotated = string.IsNullOrEmpty(answer.RefreshToken) ? null : answer.RefreshToken;
        if (string.IsNullOrEmpty(answer.IdToken))
        {
            return new Refused("no ID token in the answer", "The identity provider did not confirm your role, so this session ended.",
                rotated);
        }

        var parameters = options.TokenValidationParameters.Clone();
        parameters.ValidIssuer = configuration.Issuer;
        parameters.ValidAudience = oidc.ClientId;
        parameters.IssuerSigningKeys = configuration.SigningKeys;
        var validated = await options.TokenHandler.ValidateTokenAsync(answer.IdToken, parameters);
        if (!validated.IsValid || validated.ClaimsIdentity.FindFirst("sub")?.Value != subject)
            return new Refused("an ID token that is not valid for this session", "The identity provider's answer could not be trusted, so this session ended.", rotated);
        var role = ConsoleRoles.Map(validated.ClaimsIdentity.FindAll(oidc.RoleClaim).Select(c => c.Value), oidc);
        return role is null
            ? new Refused("no console role any more", "Your console role was removed at the identity provider, so this session ended.", rotated)
            : new Confirmed(role, rotated);
    }

    private async Task EndAsync(CookieValidatePrincipalContext context, string sessionId, string? refreshToken, string message)
    {
        var http = context.HttpContext;
        var now = time.GetUtcNow();
        await revoked.RevokeAsync(sessionId, context.Properties.ExpiresUtc ?? now + console.Value.SessionLifetime, now, http.RequestAborted);
        await ForgetAsync(sessionId, refreshToken);
        http.Items[EndedItem] = message;
    }

    private async Task ForgetAsync(string sessionId, string? refreshToken)
    {
        if (refreshToken is not null) await RevokeAsync(refreshToken);
        // Not cut short by a person who leaves meanwhile: the token goes whatever the provider did.
        await sessions.DeleteAsync(sessionId, CancellationToken.None);
    }

    // RFC 7009 at the revocation endpoint of the provider's discovery document, the client authenticated as at the token
    // endpoint. Never throws and never waits longer than RevocationTimeout (not even for a person who leaves): the session
    // ends here whatever the provider answers.
    private async Task RevokeAsync(string refreshToken)
    {
        var options = oidcOptions.Get(ConsoleExtensions.OidcScheme);
        using var timeout = new CancellationTokenSource(RevocationTimeout, time);
        string reason;
        try
        {
            var configuration = await options.ConfigurationManager!.GetConfigurationAsync(timeout.Token);
            if (string.IsNullOrEmpty(configuration.RevocationEndpoint))
            {
                if (Interlocked.Exchange(ref _noRevocationEndpointSaid, 1) == 0)
                {
                    logger.LogInformation("Console: the identity provider lists no revocation endpoint, so the refresh token of a " +
                                          "session that ends is deleted here but not revoked there (it stays valid at the provider " +
                                          "until it expires)");
                }
                return;
            }
            var request = ClientMessage();
            request.SetParameter("token", refreshToken);
            request.SetParameter("token_type_hint", OpenIdConnectParameterNames.RefreshToken);
            using var response = await options.Backchannel.PostAsync(configuration.RevocationEndpoint,
                new FormUrlEncodedContent(request.Parameters), timeout.Token);
            if (response.IsSuccessStatusCode) return;
            reason = $"HTTP {(int)response.StatusCode}{await ErrorCodeAsync(response, timeout.Token)}";
        }
        catch (Exception e) when (IsUnreachable(e, CancellationToken.None))
        {
            reason = e.GetType().Name;
        }
        logger.LogWarning("Console: could not revoke an ended session's refresh token at the identity provider ({Reason}); it " +
                          "was deleted here, and stays valid at the provider until it expires", reason);
    }

    // The OAuth error code of a refused revocation, if the answer has one (never its description, which may quote the request).
    private static async Task<string> ErrorCodeAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var error = new OpenIdConnectMessage(await response.Content.ReadAsStringAsync(ct)).Error;
            return string.IsNullOrEmpty(error) ? "" : $" '{Monitor.Core.LogSafe.Value(error)}'";
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or ArgumentException || IsUnreachable(e, CancellationToken.None))
        {
            return "";
        }
    }

    // The console's client, authenticated to the provider's back channel as the OpenID Connect handler does at the token endpoint.
    private OpenIdConnectMessage ClientMessage()
    {
        var oidc = console.Value.Oidc;
        return new OpenIdConnectMessage
        {
            ClientId = oidc.ClientId, ClientSecret = string.IsNullOrEmpty(oidc.ClientSecret) ? null : oidc.ClientSecret,
        };
    }

    // The provider could not be reached or did not answer in time (not: the person's request was aborted).
    private static bool IsUnreachable(Exception e, CancellationToken ct) =>
        e is HttpRequestException or InvalidOperationException or IOException || e is OperationCanceledException && !ct.IsCancellationRequested;

    private static void Replace(CookieValidatePrincipalContext context, string role)
    {
        // The provider changed the role (staff <-> viewer): the session goes on with the new one, same id and name.
        var identity = new ClaimsIdentity(context.Principal!.Claims.Where(c => c.Type != ConsoleRoles.RoleClaim), "oidc",
            ConsoleRoles.NameClaim, ConsoleRoles.RoleClaim);
        identity.AddClaim(new Claim(ConsoleRoles.RoleClaim, role));
        context.ReplacePrincipal(new ClaimsPrincipal(identity));
        context.ShouldRenew = true;
    }

    private string? Protect(string? refreshToken) => string.IsNullOrEmpty(refreshToken) ? null : _protector.Protect(refreshToken);

    private string? Unprotect(string? stored)
    {
        if (stored is null) return null;
        try
        {
            return _protector.Unprotect(stored);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null; // the key ring was replaced: as if the provider gave none
        }
    }

    private abstract record Outcome;

    private sealed record Confirmed(string Role, string? RefreshToken) : Outcome;

    private sealed record Refused(string Reason, string Message, string? RefreshToken = null) : Outcome;

    private sealed record Unreachable(string Reason) : Outcome;
}
