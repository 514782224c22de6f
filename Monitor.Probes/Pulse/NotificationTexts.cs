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
    /// <summary>How much of a person's comment the e-mail quotes back to them.</summary>
    public const int QuoteLength = 300;

    /// <summary>The "you said, we did" note, in the person's language (directory locale, parent culture, then English).</summary>
    /// <param name="comment">The person's own words (quoted back to that person alone), or null when they left none.</param>
    /// <param name="title">A short title of what was changed, written by IT (plain text).</param>
    /// <param name="whatWeDid">What IT did, written by IT in whatever language it writes (plain text).</param>
    /// <param name="askAt">When the follow-up pulse asks whether it helped (a date in the person's culture and time zone).</param>
    public static LocalizedNote YouSaidWeDid(PulseTexts texts, User user, string? comment, string title, string whatWeDid,
        DateTimeOffset askAt)
    {
        var language = PulseTexts.Language(user.Locale);
        // English reads "We replaced the printer." from "Replaced the printer"; other languages introduce IT's words as written.
        var english = language.Culture.TwoLetterISOLanguageName == "en";
        return new LocalizedNote(language, texts.Get(language, "YouSaidWeDid.Subject", title),
        [
            texts.Get(language, "Mail.Greeting", user.DisplayName),
            comment is null ? texts.Get(language, "YouSaidWeDid.ToldNothing") : texts.Get(language, "YouSaidWeDid.Told", Quote(comment)),
            texts.Get(language, "YouSaidWeDid.WeDid", Sentence(whatWeDid, lowerFirst: english)),
            texts.Get(language, "YouSaidWeDid.AskLater", PulseComposer.Local(askAt, user.TimeZone)),
        ]);
    }

    private static string Quote(string comment)
    {
        var c = string.Join(' ', comment.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return c.Length <= QuoteLength ? c : c[..QuoteLength].TrimEnd() + "…";
    }

    // An acronym ("VPN …") keeps its case; a sentence gets its full stop; "We replaced …" does not read "We we replaced …".
    private static string Sentence(string description, bool lowerFirst)
    {
        var d = description.Trim();
        if (lowerFirst && d.StartsWith("We ", StringComparison.OrdinalIgnoreCase)) d = d[3..].TrimStart();
        if (lowerFirst && d.Length > 1 && char.IsUpper(d[0]) && !char.IsUpper(d[1])) d = char.ToLowerInvariant(d[0]) + d[1..];
        return d.EndsWith('.') || d.EndsWith('!') || d.EndsWith('?') ? d : d + ".";
    }
}
