using Monitor.Core.Privacy;
using Monitor.Core.Pulses;
using Monitor.Core.Users;
using Monitor.Probes.Pulse;

namespace Monitor.Tests.Pulse;

/// <summary>The pulse's footer says in one sentence who sees the answer, in the privacy mode the monitor runs in.</summary>
public sealed class PulseFooterTests
{
    private static string Footer(PrivacyMode mode, string locale)
    {
        var options = new PulseOptions { SigningKeys = ["footer-test-signing-key-0123456789abcdef"], PublicBaseUrl = "https://pulse.example.com/" };
        var links = new PulseLinks(new PulseTokenCodec(options.SigningKeys), options);
        var user = new User("u1", "u1@example.com", "Ana", "Finance", "Paris", null, Rank.Manager, "UTC", locale, true, false);
        var now = DateTimeOffset.UtcNow;
        return new PulseComposer(links, options, privacy: mode)
            .Compose(user, new PulseRecord(Guid.NewGuid(), user.Id, options.QuestionSet, "manual", now, now.AddDays(7))).WhoSees;
    }

    [TestCase(PrivacyMode.Identified)]
    [TestCase(PrivacyMode.Pseudonymous)]
    [TestCase(PrivacyMode.Anonymous)]
    public void The_english_footer_is_the_privacy_notice_of_the_mode(PrivacyMode mode) =>
        Assert.That(Footer(mode, "en-GB"), Is.EqualTo(PulseTexts.Default.WhoSees(PulseLanguage.English, mode)));

    [TestCase("fr-FR")]
    [TestCase("de-DE")]
    [TestCase("es-ES")]
    public void Each_language_says_something_different_in_each_mode_and_not_the_english(string locale)
    {
        var footers = Enum.GetValues<PrivacyMode>().Select(m => Footer(m, locale)).ToList();
        Assert.That(footers, Is.Unique);
        Assert.That(footers, Has.None.EqualTo(PulseTexts.Default.WhoSees(PulseLanguage.English, PrivacyMode.Identified)));
    }
}
