using System.Collections.Concurrent;
using System.Security.Cryptography;
using Dapper;
using Microsoft.AspNetCore.DataProtection;
using Monitor.Worker.Storage;

namespace Monitor.Worker.StaffConsole;

/// <summary>
/// Random server-side keys of the console, made once and shared by every replica through the store, encrypted there with
/// the data-protection key ring (so they follow it: deleting the ring, which signs everybody out, also replaces them).
/// No setting: the first replica that needs a key makes it, the others read it.
/// </summary>
public sealed class ConsoleSecrets(Database db, IDataProtectionProvider dataProtection)
{
    private readonly IDataProtector _protector = dataProtection.CreateProtector("Monitor.Console.Secrets.v1");
    private readonly ConcurrentDictionary<string, byte[]> _cache = new(StringComparer.Ordinal);

    /// <summary>The 256-bit key called <paramref name="name"/>, made on first use.</summary>
    public async Task<byte[]> KeyAsync(string name, CancellationToken ct)
    {
        // Two requests racing here both read the same stored key: the store settles who made it.
        if (_cache.TryGetValue(name, out var cached)) return cached;
        var key = await ReadOrCreateAsync(name, ct);
        _cache[name] = key;
        return key;
    }

    private async Task<byte[]> ReadOrCreateAsync(string name, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        // Two replicas may both make one: the first stored wins and both read it back.
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO console_secrets (name, value) VALUES (@name, @value) ON CONFLICT (name) DO NOTHING",
            new { name, value = _protector.Protect(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))) }, cancellationToken: ct));
        var stored = await c.ExecuteScalarAsync<string>(new CommandDefinition(
            "SELECT value FROM console_secrets WHERE name = @name", new { name }, cancellationToken: ct));
        try
        {
            return Convert.FromBase64String(_protector.Unprotect(stored!));
        }
        catch (CryptographicException)
        {
            // The key ring that encrypted it is gone: a new key (replacing only that value, so racing replicas agree).
            await c.ExecuteAsync(new CommandDefinition(
                "UPDATE console_secrets SET value = @value WHERE name = @name AND value = @stored",
                new { name, stored, value = _protector.Protect(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))) },
                cancellationToken: ct));
            var replaced = await c.ExecuteScalarAsync<string>(new CommandDefinition(
                "SELECT value FROM console_secrets WHERE name = @name", new { name }, cancellationToken: ct));
            return Convert.FromBase64String(_protector.Unprotect(replaced!));
        }
    }
}
