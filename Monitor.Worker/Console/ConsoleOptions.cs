using Microsoft.Extensions.Options;
using Monitor.Probes;

namespace Monitor.Worker.StaffConsole;

/// <summary>Sign-in to the IT staff console. Bound from <c>Console</c>.</summary>
public sealed class ConsoleOptions
{
    public const string Section = "Console";

    /// <summary>The organisation's identity provider; when its authority is empty, the local account is the way in.</summary>
    public OidcOptions Oidc { get; set; } = new();

    /// <summary>How long a sign-in lasts; not extended by activity, so a session ends at a known time.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>The one account used when no identity provider is configured.</summary>
    public LocalAccountOptions LocalAccount { get; set; } = new();

    /// <summary>Optional Alertmanager (e.g. http://alertmanager:9093): the console home lists its firing alerts.</summary>
    public string? AlertmanagerUrl { get; set; }

    /// <summary>Optional Grafana, linked from the console home.</summary>
    public string? GrafanaUrl { get; set; }

    /// <summary>The console as people reach it, for links in alerts; empty means the internal listener's URL.</summary>
    public string? PublicUrl { get; set; }

    public bool UsesOidc => !string.IsNullOrWhiteSpace(Oidc.Authority);
}

/// <summary>OpenID Connect (code flow with PKCE) against Entra ID, Keycloak, Okta…</summary>
public sealed class OidcOptions
{
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    /// <summary>Empty for a public client (PKCE alone).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Scopes asked for besides <c>openid</c> and <c>profile</c>.</summary>
    public List<string> Scopes { get; set; } = [];

    /// <summary>The claim of the ID token that carries the provider's role or group values.</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>Provider values that make a person <c>staff</c> (sees individuals, acts).</summary>
    public List<string> StaffRoles { get; set; } = [];

    /// <summary>Provider values that make a person <c>viewer</c> (groups only).</summary>
    public List<string> ViewerRoles { get; set; } = [];

    /// <summary>
    /// How often a session's role is confirmed again at the provider (with its refresh token, else by a fresh sign-in there);
    /// a person whose role was removed or whose account was disabled loses the console within about this long.
    /// </summary>
    public TimeSpan RecheckInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Plain-http metadata is accepted only from a loopback authority (a provider in tests or on the same host).</summary>
    public bool IsLoopbackHttp =>
        Uri.TryCreate(Authority, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback;
}

/// <summary>The first-run account: its password comes from configuration or is set once through a one-time link.</summary>
public sealed class LocalAccountOptions
{
    public const int MinimumPasswordLength = 12;

    public string User { get; set; } = "admin";

    /// <summary>Optional; when empty, the first start logs a one-time link that sets it. Never a default.</summary>
    public string? Password { get; set; }
}

internal sealed class ConsoleOptionsValidator : IValidateOptions<ConsoleOptions>
{
    private const string Oidc = $"{ConsoleOptions.Section}:{nameof(ConsoleOptions.Oidc)}";
    private const string Local = $"{ConsoleOptions.Section}:{nameof(ConsoleOptions.LocalAccount)}";

    public ValidateOptionsResult Validate(string? name, ConsoleOptions o)
    {
        var failures = new List<string>();
        if (o.SessionLifetime <= TimeSpan.Zero || o.SessionLifetime > TimeSpan.FromDays(7))
        {
            failures.Add($"{ConsoleOptions.Section}:{nameof(o.SessionLifetime)} must be positive and at most 7.00:00:00 " +
                         $"(got {o.SessionLifetime}).");
        }
        if (string.IsNullOrWhiteSpace(o.LocalAccount.User) || o.LocalAccount.User.Any(char.IsControl) || o.LocalAccount.User.Length > 64)
            failures.Add($"{Local}:{nameof(LocalAccountOptions.User)} must be 1 to 64 printable characters.");
        if (o.LocalAccount.Password is { Length: > 0 } password && password.Trim().Length < LocalAccountOptions.MinimumPasswordLength)
        {
            failures.Add($"{Local}:{nameof(LocalAccountOptions.Password)} must be at least {LocalAccountOptions.MinimumPasswordLength} " +
                         "characters other than spaces (or empty to set it through the one-time link).");
        }
        foreach (var (key, value) in new[] { (nameof(o.AlertmanagerUrl), o.AlertmanagerUrl), (nameof(o.GrafanaUrl), o.GrafanaUrl),
                     (nameof(o.PublicUrl), o.PublicUrl) })
        {
            if (!string.IsNullOrEmpty(value) && (!Uri.TryCreate(value, UriKind.Absolute, out var u) ||
                                                 u.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(u.Query)))
                failures.Add($"{ConsoleOptions.Section}:{key} must be an absolute http(s) URL without a query (got '{value}').");
        }
        // Blank is a mistake, not "unset": a blank authority would fall back to the local account unnoticed.
        if (o.Oidc.Authority is { Length: > 0 } && !o.UsesOidc)
            failures.Add($"{Oidc}:{nameof(OidcOptions.Authority)} is blank: leave it out, or give the provider's https URL.");
        if (o.UsesOidc) ValidateOidc(o, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateOidc(ConsoleOptions o, List<string> failures)
    {
        var oidc = o.Oidc;
        if (!Uri.TryCreate(oidc.Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("http" or "https") ||
            !string.IsNullOrEmpty(authority.Query) || !string.IsNullOrEmpty(authority.Fragment))
        {
            failures.Add($"{Oidc}:{nameof(oidc.Authority)} must be an absolute https URL (got '{oidc.Authority}').");
        }
        else if (authority.Scheme == Uri.UriSchemeHttp && !authority.IsLoopback)
        {
            failures.Add($"{Oidc}:{nameof(oidc.Authority)} must use https; plain http is accepted only on loopback " +
                         $"(got '{oidc.Authority}').");
        }
        if (string.IsNullOrWhiteSpace(oidc.ClientId))
            failures.Add($"{Oidc}:{nameof(oidc.ClientId)} is required when {Oidc}:{nameof(oidc.Authority)} is set.");
        if (oidc.ClientSecret is { Length: > 0 } secret && string.IsNullOrWhiteSpace(secret))
            failures.Add($"{Oidc}:{nameof(oidc.ClientSecret)} is blank: leave it out for a public client, or give the secret.");
        if (oidc.RecheckInterval < TimeSpan.FromMinutes(1) || oidc.RecheckInterval > TimeSpan.FromHours(24))
        {
            failures.Add($"{Oidc}:{nameof(oidc.RecheckInterval)} must be between 00:01:00 and 1.00:00:00 " +
                         $"(got {oidc.RecheckInterval}).");
        }
        if (string.IsNullOrWhiteSpace(oidc.RoleClaim))
            failures.Add($"{Oidc}:{nameof(oidc.RoleClaim)} must name the claim that carries roles (e.g. roles, groups).");
        if (oidc.StaffRoles.Count == 0)
            failures.Add($"{Oidc}:{nameof(oidc.StaffRoles)} needs at least one provider role value that makes a person staff.");
        foreach (var (list, values) in new[] { (nameof(oidc.StaffRoles), oidc.StaffRoles), (nameof(oidc.ViewerRoles), oidc.ViewerRoles) })
        {
            for (var i = 0; i < values.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(values[i]))
                    failures.Add($"{ValidatedOptions.ElementKey(o, $"{Oidc}:{list}", i)} is empty: give a provider role value, or leave it out.");
            }
        }
        for (var i = 0; i < oidc.Scopes.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(oidc.Scopes[i]) || oidc.Scopes[i].Any(char.IsWhiteSpace))
                failures.Add($"{ValidatedOptions.ElementKey(o, $"{Oidc}:{nameof(oidc.Scopes)}", i)} must be a single word without spaces " +
                             $"(e.g. email, groups; got '{oidc.Scopes[i]}').");
        }
        if (!string.IsNullOrEmpty(o.LocalAccount.Password))
        {
            failures.Add($"{Local}:{nameof(LocalAccountOptions.Password)} is used only without {Oidc}:{nameof(oidc.Authority)}: " +
                         "with an identity provider there is no local account.");
        }
    }
}
