using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Monitor.Worker.Endpoints;

namespace Monitor.Worker.StaffConsole;

/// <summary>
/// The local account used when no identity provider is configured. Its password comes from configuration or
/// is set once through a one-time link logged at first start; there is never a default password. The link's
/// token lives only in this process, hashed, for 15 minutes, and works once.
/// </summary>
public sealed class LocalAccount(IOptions<ConsoleOptions> options, ConsoleAccountRepository accounts, ConsoleSecrets secrets,
    TimeProvider time)
{
    public static readonly TimeSpan LinkLifetime = TimeSpan.FromMinutes(15);

    /// <summary>The name of the stamp's HMAC key in <see cref="ConsoleSecrets"/>.</summary>
    public const string StampKey = "account-stamp";

    private static readonly PasswordHasher<string> Hasher = new();

    // A hash to verify against when the user name is wrong, so that a wrong name costs as long as a wrong password.
    private static readonly Lazy<string> DecoyHash =
        new(() => Hasher.HashPassword("", Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))));

    private readonly LocalAccountOptions _account = options.Value.LocalAccount;
    private PendingLink? _pending;

    public string UserName => _account.User;

    /// <summary>Issues the one-time link's token and remembers only its hash; any earlier link stops working.</summary>
    public string IssueLink()
    {
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        _pending = new PendingLink(SHA256.HashData(Encoding.UTF8.GetBytes(token)), time.GetUtcNow() + LinkLifetime);
        return token;
    }

    public bool LinkValid(string? token) => Matches(_pending, token);

    /// <summary>Sets the password through the one-time link: consumes the link only when the password is stored.</summary>
    public async Task<SetupResult> SetPasswordAsync(string? token, string? password, string? confirmation, CancellationToken ct)
    {
        var pending = _pending;
        if (!Matches(pending, token)) return SetupResult.LinkInvalid;
        if (password is null || password.Length < LocalAccountOptions.MinimumPasswordLength) return SetupResult.TooShort;
        if (!string.Equals(password, confirmation, StringComparison.Ordinal)) return SetupResult.Mismatch;
        // Single use even when two requests race: only the one that takes the link away goes on.
        if (!ReferenceEquals(Interlocked.CompareExchange(ref _pending, null, pending), pending)) return SetupResult.LinkInvalid;
        return await accounts.CreateAsync(_account.User, Hasher.HashPassword(_account.User, password), time.GetUtcNow(), ct)
            ? SetupResult.Done
            : SetupResult.LinkInvalid;
    }

    /// <summary>True when the name and password are the local account's.</summary>
    public async Task<bool> VerifyAsync(string? user, string? password, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(password)) return false;
        var nameMatches = string.Equals(user?.Trim(), _account.User, StringComparison.OrdinalIgnoreCase);
        if (!string.IsNullOrEmpty(_account.Password))
        {
            var same = CryptographicOperations.FixedTimeEquals(
                SHA256.HashData(Encoding.UTF8.GetBytes(password)), SHA256.HashData(Encoding.UTF8.GetBytes(_account.Password)));
            return nameMatches && same;
        }
        var hash = nameMatches ? await accounts.FindHashAsync(_account.User, ct) : null;
        var result = Hasher.VerifyHashedPassword(_account.User, hash ?? DecoyHash.Value, password);
        return hash is not null && result != PasswordVerificationResult.Failed;
    }

    /// <summary>
    /// A stamp of the account as it is now: an HMAC-SHA256, keyed with a server-side secret, of its name and its password (the
    /// configured one, else the stored hash). A session
    /// of the local account carries the stamp of its sign-in and ends when the account is renamed, its password changes or
    /// its stored password is removed. Null when there is no local account: no password, or an identity provider instead.
    /// </summary>
    public async Task<string?> StampAsync(CancellationToken ct)
    {
        if (options.Value.UsesOidc) return null;
        var secret = !string.IsNullOrEmpty(_account.Password) ? _account.Password : await accounts.FindHashAsync(_account.User, ct);
        if (secret is null) return null;
        // Keyed with a server-side secret: the stamp reveals nothing of the password, and one cannot be made without the key.
        var key = await secrets.KeyAsync(StampKey, ct);
        return Convert.ToHexString(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{_account.User.ToUpperInvariant()}\n{secret}")));
    }

    /// <summary>True when <paramref name="stamp"/> is the account's stamp as it is now (compared in constant time).</summary>
    public async Task<bool> StampMatchesAsync(string? stamp, CancellationToken ct) =>
        stamp is not null && await StampAsync(ct) is { } current &&
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stamp), Encoding.ASCII.GetBytes(current));

    /// <summary>Whether a password exists at all (configured or stored).</summary>
    public async Task<bool> HasPasswordAsync(CancellationToken ct) =>
        !string.IsNullOrEmpty(_account.Password) || await accounts.FindHashAsync(_account.User, ct) is not null;

    private bool Matches(PendingLink? pending, string? token) =>
        pending is not null && !string.IsNullOrEmpty(token) && pending.ExpiresAt > time.GetUtcNow() &&
        CryptographicOperations.FixedTimeEquals(pending.TokenHash, SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed record PendingLink(byte[] TokenHash, DateTimeOffset ExpiresAt);

    public enum SetupResult
    {
        Done,
        LinkInvalid,
        TooShort,
        Mismatch,
    }
}

/// <summary>
/// At start (after the schema is current): without an identity provider and without any password, logs the
/// one-time link that sets the local password. One line, once per process start.
/// </summary>
internal sealed class FirstRunLink(IOptions<ConsoleOptions> console, IOptions<EndpointOptions> endpoints, LocalAccount account,
    ILogger<FirstRunLink> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (console.Value.UsesOidc)
        {
            logger.LogInformation("Console sign-in through OpenID Connect at {Authority}", console.Value.Oidc.Authority);
            return;
        }
        if (await account.HasPasswordAsync(cancellationToken))
        {
            logger.LogInformation("Console sign-in with the local account '{User}'", account.UserName);
            return;
        }
        var link = $"{BaseUrl(endpoints.Value.Internal)}/console/setup?token={account.IssueLink()}";
        logger.LogWarning(
            "Console: the local account '{User}' has no password. Set it once, within {Minutes} minutes, at {SetupLink} " +
            "(or set Console:LocalAccount:Password; a restart logs a new link)",
            account.UserName, (int)LocalAccount.LinkLifetime.TotalMinutes, link);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // A listener on every interface is reached through a name; the link shows localhost for the operator to adapt.
    private static string BaseUrl(string url)
    {
        var uri = new Uri(url);
        var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? "localhost" : uri.Host;
        return new UriBuilder(uri.Scheme, host, uri.Port).Uri.ToString().TrimEnd('/');
    }
}
