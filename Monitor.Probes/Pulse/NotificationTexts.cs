using Monitor.Core.Users;

namespace Monitor.Probes.Pulse;

/// <summary>A note to one person in their language: its subject and paragraphs, plain text (encoded by the mail format).</summary>
public sealed record LocalizedNote(PulseLanguage Language, string Subject, IReadOnlyList<string> Paragraphs);

/// <summary>
/// The words of e-mail to a person that is not a pulse, from the pulse's resources: the "you said, we did" note.
/// Feed the result to <c>NotificationMail.Draft(from, NotificationMail.To(user), note.Subject, note.Paragraphs, now)</c>.
/// </summary>
public static class NotificationTexts
{
    /// <param name="saidAt">When the person answered (shown as a date in their culture and time zone).</param>
    /// <param name="topic">A short title of what was fixed, written by IT (plain text).</param>
    /// <param name="whatWeDid">What IT did, written by IT (plain text).</param>
    public static LocalizedNote YouSaidWeDid(PulseTexts texts, User user, DateTimeOffset saidAt, string topic, string whatWeDid)
    {
        var language = PulseTexts.Language(user.Locale);
        return new LocalizedNote(language, texts.Get(language, "YouSaidWeDid.Subject", topic),
        [
            texts.Get(language, "Mail.Greeting", user.DisplayName),
            texts.Get(language, "YouSaidWeDid.Body", PulseComposer.Local(saidAt, user.TimeZone), whatWeDid),
        ]);
    }
}
