using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Monitor.Probes.Pulse;

namespace Monitor.Tests.Pulse;

/// <summary>A correctly signed token whose expiry no date can hold is malformed, not an exception (issue 13, item 9).</summary>
public sealed class PulseTokenRangeTests
{
    private const string Key = "first-signing-key-0123456789abcdef";

    [TestCase(long.MaxValue)]
    [TestCase(long.MinValue)]
    [TestCase(253402300800L)]
    public void A_signed_token_with_an_expiry_out_of_range_is_malformed(long expiresSeconds)
    {
        var codec = new PulseTokenCodec([Key]);
        var bytes = Base64Url.DecodeFromChars(codec.Sign(new PulseToken(TokenPurpose.Answer, Guid.NewGuid(), "u001", 0, 4,
            DateTimeOffset.UtcNow.AddDays(7))));
        // Re-sign with the real key, as a holder of a leaked or retired key could.
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(18, 8), expiresSeconds);
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(Key), bytes.AsSpan(0, bytes.Length - 32), bytes.AsSpan(bytes.Length - 32));

        Assert.That(codec.Verify(Base64Url.EncodeToString(bytes), DateTimeOffset.UtcNow, out var claims),
            Is.EqualTo(TokenVerdict.Malformed));
        Assert.That(claims, Is.Null);
    }
}
