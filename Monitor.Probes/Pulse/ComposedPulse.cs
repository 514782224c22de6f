using System.Collections.Concurrent;
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

    // The words of a pulse are the same for everyone of a language and question set: asked of the localiser once (some
    // fifteen lookups, each switching the UI culture) instead of for every person; only names, dates and links vary.
    private readonly ConcurrentDictionary<(PulseLanguage, string), Wording> _wording = new();

    public ComposedPulse Compose(User user, PulseRecord pulse)
    {
        var language = PulseTexts.Language(user.Locale);
        var w = _wording.GetOrAdd((language, pulse.QuestionSet), k => Words(k.Item1, k.Item2));
        var composed = w.Questions.Select((text, q) => new ComposedQuestion(text, PulseAnswers.All
            .Select((a, i) => new AnswerLink(a, links.Answer(pulse, q, a.Value)) { Words = w.Answers[i] }).ToList())).ToList();
        var unsubscribe = links.Unsubscribe(user.Id, pulse.CreatedAt);
        var culture = language.Culture;
        return new ComposedPulse(pulse, user,
            Subject: w.Subject,
            Greeting: string.Format(culture, w.Greeting, user.DisplayName),
            composed,
            HoneypotUrl: links.Honeypot(pulse),
            UnsubscribeUrl: unsubscribe,
            WhoSees: w.WhoSees)
        {
            Language = language,
            Instructions = w.Instructions,
            UnsubscribeLabel = w.UnsubscribeLabel,
            UnsubscribeLine = string.Format(culture, w.UnsubscribeText, unsubscribe),
            ValidUntil = string.Format(culture, w.ValidUntil, Local(pulse.ExpiresAt, user.TimeZone)),
        };
    }

    // Format strings (Greeting, UnsubscribeText, ValidUntil) are kept unformatted: Get without arguments returns them as is.
    private Wording Words(PulseLanguage language, string set)
    {
        var questions = _texts.Questions(set, options, language) ?? [];
        return new Wording(questions, PulseAnswers.All.Select(a => _texts.Answer(language, a)).ToArray(),
            questions.Length == 1 ? questions[0] : _texts.Get(language, "Mail.Subject.Many"),
            _texts.Get(language, "Mail.Greeting"), _texts.WhoSees(language, privacy, minGroupSize),
            _texts.Get(language, "Mail.Instructions"), _texts.Get(language, "Mail.Unsubscribe.Link"),
            _texts.Get(language, "Mail.Unsubscribe.Text"), _texts.Get(language, "Mail.ValidUntil"));
    }

    private sealed record Wording(string[] Questions, string[] Answers, string Subject, string Greeting, string WhoSees,
        string Instructions, string UnsubscribeLabel, string UnsubscribeText, string ValidUntil);

    /// <summary>A time as the person's clock shows it (an unknown zone reads UTC), for dates in their format.</summary>
    public static DateTime Local(DateTimeOffset at, string? timeZone) =>
        (TimeZoneInfo.TryFindSystemTimeZoneById(timeZone ?? "", out var zone)
            ? TimeZoneInfo.ConvertTime(at, zone)
            : at.ToUniversalTime()).DateTime;
}
