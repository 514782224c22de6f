using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.StaffConsole;
using Monitor.Worker.Storage;

namespace Monitor.Tests.Console;

/// <summary>The one-time link and the stored password, on both stores, with a clock the test moves.</summary>
[TestFixture(Stores.Sqlite)]
[TestFixture(Stores.Postgres)]
public sealed class LocalAccountTests(string provider)
{
    private const string Password = "a long enough password";

    private Database _db = null!;
    private FakeTimeProvider _time = null!;

    [SetUp]
    public async Task SetUp()
    {
        _db = await Stores.NewDatabaseAsync(provider);
        _time = new FakeTimeProvider(DateTimeOffset.Parse("2026-03-02T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    }

    [TearDown]
    public async Task TearDown() => await _db.DisposeAsync();

    [Test]
    public async Task The_link_expires_after_15_minutes()
    {
        var account = Account();
        var token = account.IssueLink();
        _time.Advance(TimeSpan.FromMinutes(15));
        Assert.That(account.LinkValid(token), Is.False);
        Assert.That(await account.SetPasswordAsync(token, Password, Password, default), Is.EqualTo(LocalAccount.SetupResult.LinkInvalid));
        Assert.That(await account.HasPasswordAsync(default), Is.False);
    }

    [Test]
    public async Task Two_racing_uses_of_the_link_set_one_password()
    {
        var account = Account();
        var token = account.IssueLink();
        _time.Advance(TimeSpan.FromMinutes(14));
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => account.SetPasswordAsync(token, $"{Password} {i}", $"{Password} {i}", default))));
        Assert.That(results.Count(r => r == LocalAccount.SetupResult.Done), Is.EqualTo(1));
        var winner = Array.IndexOf(results, LocalAccount.SetupResult.Done);
        Assert.That(await account.VerifyAsync("admin", $"{Password} {winner}", default), Is.True);
        Assert.That(await account.VerifyAsync("ADMIN", $"{Password} {winner}", default), Is.True, "user names ignore case");
        Assert.That(await account.VerifyAsync("admin", $"{Password} {(winner + 1) % 8}", default), Is.False);
    }

    [Test]
    public async Task A_link_of_another_process_cannot_overwrite_a_password_already_set()
    {
        var first = Account();
        var second = Account(); // another replica, with its own link
        var firstToken = first.IssueLink();
        var secondToken = second.IssueLink();
        Assert.That(await first.SetPasswordAsync(firstToken, Password, Password, default), Is.EqualTo(LocalAccount.SetupResult.Done));
        Assert.That(await second.SetPasswordAsync(secondToken, "the other password", "the other password", default),
            Is.EqualTo(LocalAccount.SetupResult.LinkInvalid));
        Assert.That(await second.VerifyAsync("admin", Password, default), Is.True);
        Assert.That(await second.VerifyAsync("admin", "the other password", default), Is.False);
    }

    [Test]
    public async Task A_wrong_or_changed_token_and_mismatched_passwords_change_nothing()
    {
        var account = Account();
        var token = account.IssueLink();
        Assert.That(await account.SetPasswordAsync(token[..^1] + (token[^1] == 'A' ? 'B' : 'A'), Password, Password, default),
            Is.EqualTo(LocalAccount.SetupResult.LinkInvalid));
        Assert.That(await account.SetPasswordAsync(token, Password, Password + "!", default),
            Is.EqualTo(LocalAccount.SetupResult.Mismatch));
        Assert.That(await account.SetPasswordAsync(token, "11 chars...", "11 chars...", default),
            Is.EqualTo(LocalAccount.SetupResult.TooShort));
        Assert.That(await account.HasPasswordAsync(default), Is.False);
        Assert.That(account.LinkValid(token), Is.True, "refused attempts do not use the link up");
    }

    [Test]
    public async Task A_configured_password_is_the_password_and_nothing_is_stored()
    {
        var account = Account("configured password");
        Assert.That(await account.HasPasswordAsync(default), Is.True, "no link is needed");
        Assert.That(await account.VerifyAsync("admin", "configured password", default), Is.True);
        Assert.That(await account.VerifyAsync("admin", "configured passwort", default), Is.False);
        Assert.That(await account.VerifyAsync("root", "configured password", default), Is.False);
        Assert.That(await new ConsoleAccountRepository(_db).FindHashAsync("admin"), Is.Null);
    }

    [Test]
    public async Task Ended_sessions_stay_ended_until_their_cookie_expires()
    {
        var sessions = new ConsoleSessionRepository(_db);
        var now = _time.GetUtcNow();
        await sessions.RevokeAsync("old", now.AddHours(1), now);
        Assert.That(await sessions.IsRevokedAsync("old"), Is.True);
        Assert.That(await sessions.IsRevokedAsync("other"), Is.False);
        await sessions.RevokeAsync("old", now.AddHours(1), now);
        var later = now.AddHours(2);
        await sessions.RevokeAsync("new", later.AddHours(8), later);
        Assert.That(await sessions.IsRevokedAsync("old"), Is.False, "pruned once its cookie would have expired anyway");
        Assert.That(await sessions.IsRevokedAsync("new"), Is.True);
    }

    [Test]
    public async Task The_stamp_is_keyed_with_a_server_secret_shared_by_replicas()
    {
        var keyRing = new EphemeralDataProtectionProvider();
        var stamp = await Account("configured password", keyRing).StampAsync(default);
        Assert.That(await Account("configured password", keyRing).StampAsync(default), Is.EqualTo(stamp),
            "another replica (same store, same key ring) computes the same stamp");
        var unkeyed = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes("ADMIN\nconfigured password")));
        Assert.That(await Account("configured password", keyRing).StampMatchesAsync(unkeyed, default), Is.False,
            "a stamp made without the server's key (a plain hash of name and password) is refused");
        Assert.That(stamp, Is.Not.EqualTo(unkeyed).And.Not.Contains("configured password"));
        Assert.That(await Account("configured password", keyRing).StampMatchesAsync(stamp, default), Is.True);
        Assert.That(await Account("another password", keyRing).StampMatchesAsync(stamp, default), Is.False);
        Assert.That(await Account("configured password", new EphemeralDataProtectionProvider()).StampMatchesAsync(stamp, default),
            Is.False, "a new key ring (the old one deleted) replaces the key: every earlier stamp is refused");
    }

    [Test]
    public async Task Oidc_sessions_keep_their_check_and_one_request_at_a_time_claims_it()
    {
        var sessions = new OidcSessionRepository(_db);
        var now = _time.GetUtcNow();
        await sessions.SaveAsync("s1", "protected-token", now, now.AddHours(8));
        Assert.That(await sessions.FindAsync("s1"), Is.EqualTo(new OidcSessionRepository.Row("protected-token", now)));
        Assert.That(await sessions.FindAsync("other"), Is.Null);

        var due = now.AddMinutes(15);
        var lease = TimeSpan.FromSeconds(30);
        var claims = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => sessions.ClaimAsync("s1", due, lease))));
        Assert.That(claims.Count(c => c), Is.EqualTo(1), "racing requests (or replicas): one asks the provider");
        Assert.That(await sessions.ClaimAsync("s1", due + lease, lease), Is.True, "an abandoned claim lapses");
        Assert.That(await sessions.ConfirmAsync("s1", "rotated-token", due), Is.True);
        Assert.That(await sessions.FindAsync("s1"), Is.EqualTo(new OidcSessionRepository.Row("rotated-token", due)));
        Assert.That(await sessions.ClaimAsync("s1", due, lease), Is.True, "a confirmation releases the claim");

        await sessions.SaveAsync("s2", null, now.AddHours(9), now.AddHours(17));
        Assert.That(await sessions.FindAsync("s1"), Is.Null, "pruned once its cookie would have expired");
        Assert.That(await sessions.FindAsync("s2"), Is.EqualTo(new OidcSessionRepository.Row(null, now.AddHours(9))));
        await sessions.DeleteAsync("s2");
        Assert.That(await sessions.FindAsync("s2"), Is.Null);
    }

    [Test]
    public async Task A_check_confirmed_after_a_sign_out_deleted_the_session_does_not_bring_it_back()
    {
        var sessions = new OidcSessionRepository(_db);
        var now = _time.GetUtcNow();
        await sessions.SaveAsync("s1", "protected-token", now, now.AddHours(8));
        Assert.That(await sessions.ClaimAsync("s1", now.AddMinutes(15), TimeSpan.FromSeconds(30)), Is.True);

        await sessions.DeleteAsync("s1"); // a sign-out in another request, while this one asked the provider

        Assert.That(await sessions.ConfirmAsync("s1", "rotated-token", now.AddMinutes(15)), Is.False);
        Assert.That(await sessions.FindAsync("s1"), Is.Null, "the rotated token is not stored for a session that ended");
    }

    private LocalAccount Account(string? configuredPassword = null, IDataProtectionProvider? keyRing = null) =>
        new(Options.Create(new ConsoleOptions { LocalAccount = new LocalAccountOptions { Password = configuredPassword } }),
            new ConsoleAccountRepository(_db), new ConsoleSecrets(_db, keyRing ?? new EphemeralDataProtectionProvider()), _time);
}
