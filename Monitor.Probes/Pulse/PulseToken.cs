using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Monitor.Probes.Pulse;

/// <summary>What a pulse link lets its holder do.</summary>
public enum TokenPurpose : byte
{
    /// <summary>Record <see cref="PulseToken.Answer"/> to <see cref="PulseToken.Question"/> of the pulse.</summary>
    Answer = 1,

    /// <summary>Change the answer or add a comment (the thank-you page's form).</summary>
    Respond = 2,

    /// <summary>The hidden link no person sees: any fetch of it is a link scanner.</summary>
    Honeypot = 3,

    /// <summary>Stop receiving pulses.</summary>
    Unsubscribe = 4,
}

/// <summary>The claims a pulse link carries; the token is these bytes and their HMAC-SHA256.</summary>
public sealed record PulseToken(TokenPurpose Purpose, Guid PulseId, string UserId, int Question, int Answer, DateTimeOffset ExpiresAt);

public enum TokenVerdict
{
    Valid,
    Malformed,
    Expired,
}

/// <summary>
/// Opaque signed links (HMAC-SHA256). The first key signs, every key verifies, so that a key can be
/// rotated without breaking links already in mailboxes.
/// </summary>
public sealed class PulseTokenCodec
{
    private const byte Version = 1;
    private const int MacLength = 32;
    private const int FixedLength = 1 + 1 + 16 + 8 + 1 + 1;
    private static readonly long MinSeconds = DateTimeOffset.MinValue.ToUnixTimeSeconds();
    private static readonly long MaxSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();
    private readonly byte[][] _keys;

    public PulseTokenCodec(IEnumerable<string> keys)
    {
        _keys = keys.Where(k => !string.IsNullOrEmpty(k)).Select(k => Encoding.UTF8.GetBytes(k)).ToArray();
        if (_keys.Length == 0) throw new ArgumentException("At least one signing key is required.", nameof(keys));
    }

    public string Sign(PulseToken t)
    {
        var userLength = Encoding.UTF8.GetByteCount(t.UserId);
        var length = FixedLength + userLength + MacLength;
        var buffer = length <= 512 ? stackalloc byte[length] : new byte[length];
        buffer[0] = Version;
        buffer[1] = (byte)t.Purpose;
        t.PulseId.TryWriteBytes(buffer.Slice(2, 16));
        BinaryPrimitives.WriteInt64BigEndian(buffer.Slice(18, 8), t.ExpiresAt.ToUnixTimeSeconds());
        buffer[26] = checked((byte)t.Question);
        buffer[27] = checked((byte)t.Answer);
        Encoding.UTF8.GetBytes(t.UserId, buffer[FixedLength..]);
        var payload = buffer[..^MacLength];
        var hmac = Signer();
        hmac.AppendData(payload);
        hmac.GetHashAndReset(buffer[payload.Length..]);
        return Base64Url.EncodeToString(buffer);
    }

    // The signing key's HMAC, kept per thread and reset after each token: HMACSHA256.HashData set the key up again for every
    // token (seven per pulse), which was most of the links' share of the worker's CPU (docs/benchmarks.md, ninth round). The
    // tokens are byte for byte the same.
    [ThreadStatic] private static byte[]? _signerKey;
    [ThreadStatic] private static IncrementalHash? _signer;

    private IncrementalHash Signer()
    {
        if (_signer is not null && ReferenceEquals(_signerKey, _keys[0])) return _signer;
        _signer?.Dispose();
        _signer = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _keys[0]);
        _signerKey = _keys[0];
        return _signer;
    }

    /// <summary>Checks the signature against every key, then the expiry. Never throws on bad input.</summary>
    public TokenVerdict Verify(string? token, DateTimeOffset now, out PulseToken? claims)
    {
        claims = null;
        if (string.IsNullOrEmpty(token) || token.Length > 1024) return TokenVerdict.Malformed;
        byte[] buffer;
        try
        {
            buffer = Base64Url.DecodeFromChars(token);
        }
        catch (FormatException)
        {
            return TokenVerdict.Malformed;
        }
        if (buffer.Length < FixedLength + 1 + MacLength || buffer[0] != Version) return TokenVerdict.Malformed;
        var payload = buffer.AsSpan(0, buffer.Length - MacLength);
        var mac = buffer.AsSpan(payload.Length);
        Span<byte> expected = stackalloc byte[MacLength];
        var signed = false;
        foreach (var key in _keys)
        {
            HMACSHA256.HashData(key, payload, expected);
            signed |= CryptographicOperations.FixedTimeEquals(expected, mac);
        }
        if (!signed || !Enum.IsDefined((TokenPurpose)buffer[1])) return TokenVerdict.Malformed;
        string user;
        try
        {
            user = new UTF8Encoding(false, true).GetString(payload[FixedLength..]);
        }
        catch (ArgumentException)
        {
            return TokenVerdict.Malformed;
        }
        // A signed expiry outside DateTimeOffset's range (a leaked or old key) is malformed, not an exception.
        var expires = BinaryPrimitives.ReadInt64BigEndian(buffer.AsSpan(18, 8));
        if (expires < MinSeconds || expires > MaxSeconds) return TokenVerdict.Malformed;
        claims = new PulseToken((TokenPurpose)buffer[1], new Guid(buffer.AsSpan(2, 16)), user, buffer[26], buffer[27],
            DateTimeOffset.FromUnixTimeSeconds(expires));
        return claims.ExpiresAt <= now ? TokenVerdict.Expired : TokenVerdict.Valid;
    }
}
