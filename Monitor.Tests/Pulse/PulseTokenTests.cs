using Monitor.Probes.Pulse;

namespace Monitor.Tests.Pulse;

public sealed class PulseTokenTests
{
    private const string Key = "first-signing-key-0123456789abcdef";
    private const string NewKey = "second-signing-key-0123456789abcdef";
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static readonly PulseToken Claims = new(TokenPurpose.Answer, Guid.NewGuid(), "u001", 0, 4, Now.AddDays(7));

    [Test]
    public void A_token_signed_with_the_key_verifies_and_carries_its_claims()
    {
        var codec = new PulseTokenCodec([Key]);
        Assert.That(codec.Verify(codec.Sign(Claims), Now, out var claims), Is.EqualTo(TokenVerdict.Valid));
        Assert.That(claims, Is.EqualTo(Claims with { ExpiresAt = DateTimeOffset.FromUnixTimeSeconds(Claims.ExpiresAt.ToUnixTimeSeconds()) }));
    }

    [Test]
    public void A_token_signed_with_another_key_is_rejected_as_forged()
    {
        var forged = new PulseTokenCodec(["an-attackers-key-0123456789abcdefgh"]).Sign(Claims);
        Assert.That(new PulseTokenCodec([Key]).Verify(forged, Now, out _), Is.EqualTo(TokenVerdict.Malformed));
    }

    [Test]
    public void A_token_altered_to_answer_for_another_user_or_answer_is_rejected()
    {
        var codec = new PulseTokenCodec([Key]);
        var bytes = System.Buffers.Text.Base64Url.DecodeFromChars(codec.Sign(Claims));
        for (var i = 0; i < bytes.Length; i++)
        {
            var altered = (byte[])bytes.Clone();
            altered[i] ^= 0x01;
            Assert.That(codec.Verify(System.Buffers.Text.Base64Url.EncodeToString(altered), Now, out _), Is.EqualTo(TokenVerdict.Malformed),
                $"flipping a bit of byte {i}");
        }
    }

    [Test]
    public void An_expired_token_is_told_apart_from_a_forged_one()
    {
        var codec = new PulseTokenCodec([Key]);
        Assert.That(codec.Verify(codec.Sign(Claims), Now.AddDays(7).AddSeconds(1), out _), Is.EqualTo(TokenVerdict.Expired));
    }

    [TestCase("")]
    [TestCase("not-a-token")]
    [TestCase("AAAA")]
    [TestCase("!!!!****")]
    public void Garbage_is_rejected_without_an_exception(string token) =>
        Assert.That(new PulseTokenCodec([Key]).Verify(token, Now, out _), Is.EqualTo(TokenVerdict.Malformed));

    [Test]
    public void After_a_key_rotation_old_links_still_verify_and_new_links_use_the_new_key()
    {
        var old = new PulseTokenCodec([Key]).Sign(Claims);
        var rotated = new PulseTokenCodec([NewKey, Key]);
        Assert.That(rotated.Verify(old, Now, out _), Is.EqualTo(TokenVerdict.Valid));
        var fresh = rotated.Sign(Claims);
        Assert.That(new PulseTokenCodec([NewKey]).Verify(fresh, Now, out _), Is.EqualTo(TokenVerdict.Valid));
        Assert.That(new PulseTokenCodec([Key]).Verify(fresh, Now, out _), Is.EqualTo(TokenVerdict.Malformed));
    }

    // Tokens computed outside .NET (Python's hmac over the documented layout: version, purpose, pulse id, expiry, question,
    // answer, user id): links already in mailboxes keep verifying, and a new signer writes the same bytes for the same claims.
    [TestCase(TokenPurpose.Answer, "0f8fad5b-d9cb-469f-a165-70867728950e", "u001", 0, 4,
        "AQFbrY8Py9mfRqFlcIZ3KJUOAAAAAGsNSSAABHUwMDEIjI72CBtTkwPdDzBuUV4gH2gvd_2QMGJvNInTTeyYwg")]
    [TestCase(TokenPurpose.Unsubscribe, "00000000-0000-0000-0000-000000000000", "zo\u00eb@example.org", 0, 0,
        "AQQAAAAAAAAAAAAAAAAAAAAAAAAAAGsNSSAAAHpvw6tAZXhhbXBsZS5vcmetC5Wca9K_VeSqZNmqsCYRD2FPZGkV9eo6ucUieZ5jHw")]
    public void A_token_is_the_documented_bytes_and_an_earlier_one_still_verifies(TokenPurpose purpose, string pulse, string user,
        int question, int answer, string expected)
    {
        var claims = new PulseToken(purpose, Guid.Parse(pulse), user, question, answer, Now.AddDays(7));
        var codec = new PulseTokenCodec([Key]);
        Assert.That(codec.Sign(claims), Is.EqualTo(expected));
        Assert.That(codec.Verify(expected, Now, out var read), Is.EqualTo(TokenVerdict.Valid));
        Assert.That(read, Is.EqualTo(claims));
    }

    // The signer is kept per thread between tokens: codecs with other keys signing in turn on one thread each sign with their own.
    [Test]
    public void Codecs_with_different_keys_signing_in_turn_on_one_thread_each_sign_with_their_own_key()
    {
        var first = new PulseTokenCodec([Key]);
        var second = new PulseTokenCodec([NewKey]);
        var rotated = new PulseTokenCodec([NewKey, Key]);
        for (var i = 0; i < 3; i++)
        {
            Assert.That(new PulseTokenCodec([Key]).Verify(first.Sign(Claims), Now, out _), Is.EqualTo(TokenVerdict.Valid));
            Assert.That(new PulseTokenCodec([NewKey]).Verify(second.Sign(Claims), Now, out _), Is.EqualTo(TokenVerdict.Valid));
            Assert.That(new PulseTokenCodec([NewKey]).Verify(rotated.Sign(Claims), Now, out _), Is.EqualTo(TokenVerdict.Valid));
            Assert.That(new PulseTokenCodec([Key]).Verify(second.Sign(Claims), Now, out _), Is.EqualTo(TokenVerdict.Malformed));
        }
    }
}
