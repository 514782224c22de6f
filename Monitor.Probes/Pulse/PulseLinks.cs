using Monitor.Core.Pulses;

namespace Monitor.Probes.Pulse;

/// <summary>The signed links of a pulse, each bound to the pulse and its person.</summary>
public sealed class PulseLinks(PulseTokenCodec codec, PulseOptions options)
{
    /// <summary>How long an unsubscribe link works.</summary>
    public static readonly TimeSpan UnsubscribeValidity = TimeSpan.FromDays(365);

    /// <summary>
    /// The furthest expiry this worker signs (an unsubscribe link; a pulse's links end with the pulse, at most
    /// <see cref="PulseOptionsValidator.MaxLinkValidity"/>), with a day for clocks: a signed token that outlives it was not made here.
    /// </summary>
    public static readonly TimeSpan LongestSigned =
        TimeSpan.FromTicks(Math.Max(UnsubscribeValidity.Ticks, PulseOptionsValidator.MaxLinkValidity.Ticks)) + TimeSpan.FromDays(1);

    private readonly string _base = options.PublicBaseUrl.TrimEnd('/');

    public string Answer(PulseRecord p, int question, int answer) =>
        $"{_base}/p/{codec.Sign(new PulseToken(TokenPurpose.Answer, p.Id, p.UserId, question, answer, p.ExpiresAt))}";

    public string Honeypot(PulseRecord p) =>
        $"{_base}/p/h/{codec.Sign(new PulseToken(TokenPurpose.Honeypot, p.Id, p.UserId, 0, 0, p.ExpiresAt))}";

    /// <summary>An unsubscribe link works for a year, whatever the pulse's validity.</summary>
    public string Unsubscribe(string userId, DateTimeOffset now) =>
        $"{_base}/u/{codec.Sign(new PulseToken(TokenPurpose.Unsubscribe, Guid.Empty, userId, 0, 0, now + UnsubscribeValidity))}";

    public string RespondToken(PulseRecord p) =>
        codec.Sign(new PulseToken(TokenPurpose.Respond, p.Id, p.UserId, 0, 0, p.ExpiresAt));
}
