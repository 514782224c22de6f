using Monitor.Core.Privacy;
using Monitor.Core.Pulses;
using Monitor.Core.Users;

namespace Monitor.Probes.Pulse;

/// <summary>
/// A pulse as composed once, before any channel sees it: what it says, in the person's language, and every link it
/// carries. A channel turns this into its own message format (MIME for e-mail); it never builds links or wording itself.
/// </summary>
/// <param name="Subject">A one-line title: the question when there is one, else a summary.</param>
/// <param name="Greeting">The salutation, plain text (a channel encodes it for its format).</param>
/// <param name="HoneypotUrl">A link no person sees; a channel that can hide a link includes it, hidden.</param>
/// <param name="WhoSees">The sentence that says who sees the answer.</param>
public sealed record ComposedPulse(
    PulseRecord Pulse,
    User User,
    string Subject,
    string Greeting,
    IReadOnlyList<ComposedQuestion> Questions,
    string HoneypotUrl,
    string UnsubscribeUrl,
    string WhoSees)
{
    /// <summary>The language of every word here (<c>lang</c> and <c>dir</c> of a format that has them).</summary>
    public PulseLanguage Language { get; init; } = PulseLanguage.English;

    /// <summary>"One click records your answer:".</summary>
    public string Instructions { get; init; } = "One click records your answer:";

    /// <summary>The words of the unsubscribe link.</summary>
    public string UnsubscribeLabel { get; init; } = "Stop receiving these pulses";

    /// <summary>The plain-text unsubscribe line, with the link in it.</summary>
    public string UnsubscribeLine { get; init; } = "";

    /// <summary>Until when the answer links work, in words and the person's date format.</summary>
    public string ValidUntil { get; init; } = "";
}

/// <summary>One question with its five one-click answers, in order from very unhappy to very happy.</summary>
public sealed record ComposedQuestion(string Text, IReadOnlyList<AnswerLink> Answers);

/// <summary>An answer and the signed link that records it.</summary>
public sealed record AnswerLink(PulseAnswer Answer, string Url)
{
    /// <summary>The answer's words in the person's language.</summary>
    public string Words { get; init; } = Answer.Words;
}

/// <summary>Builds the <see cref="ComposedPulse"/> of a pulse, in the person's language, from the question sets and signed links.</summary>
public sealed class PulseComposer(PulseLinks links, PulseOptions options, PulseTexts? texts = null,
    PrivacyMode privacy = PrivacyMode.Identified, int minGroupSize = 5)
{
    private readonly PulseTexts _texts = texts ?? PulseTexts.Default;

    public ComposedPulse Compose(User user, PulseRecord pulse)
    {
        var language = PulseTexts.Language(user.Locale);
        var questions = _texts.Questions(pulse.QuestionSet, options, language) ?? [];
        var composed = questions.Select((text, q) => new ComposedQuestion(text, PulseAnswers.All
            .Select(a => new AnswerLink(a, links.Answer(pulse, q, a.Value)) { Words = _texts.Answer(language, a) }).ToList())).ToList();
        var unsubscribe = links.Unsubscribe(user.Id, pulse.CreatedAt);
        return new ComposedPulse(pulse, user,
            Subject: questions.Length == 1 ? questions[0] : _texts.Get(language, "Mail.Subject.Many"),
            Greeting: _texts.Get(language, "Mail.Greeting", user.DisplayName),
            composed,
            HoneypotUrl: links.Honeypot(pulse),
            UnsubscribeUrl: unsubscribe,
            WhoSees: _texts.WhoSees(language, privacy, minGroupSize))
        {
            Language = language,
            Instructions = _texts.Get(language, "Mail.Instructions"),
            UnsubscribeLabel = _texts.Get(language, "Mail.Unsubscribe.Link"),
            UnsubscribeLine = _texts.Get(language, "Mail.Unsubscribe.Text", unsubscribe),
            ValidUntil = _texts.Get(language, "Mail.ValidUntil", Local(pulse.ExpiresAt, user.TimeZone)),
        };
    }

    /// <summary>A time as the person's clock shows it (an unknown zone reads UTC), for dates in their format.</summary>
    public static DateTime Local(DateTimeOffset at, string? timeZone) =>
        (TimeZoneInfo.TryFindSystemTimeZoneById(timeZone ?? "", out var zone)
            ? TimeZoneInfo.ConvertTime(at, zone)
            : at.ToUniversalTime()).DateTime;
}
