using Monitor.Core.Pulses;
using Monitor.Core.Users;

namespace Monitor.Probes.Pulse;

/// <summary>
/// A pulse as composed once, before any channel sees it: what it says and every link it carries. A channel
/// turns this into its own message format (MIME for e-mail); it never builds links or wording itself.
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
    string WhoSees);

/// <summary>One question with its five one-click answers, in order from very unhappy to very happy.</summary>
public sealed record ComposedQuestion(string Text, IReadOnlyList<AnswerLink> Answers);

/// <summary>An answer and the signed link that records it.</summary>
public sealed record AnswerLink(PulseAnswer Answer, string Url);

/// <summary>Builds the <see cref="ComposedPulse"/> of a pulse from the options' question sets and signed links.</summary>
public sealed class PulseComposer(PulseLinks links, PulseOptions options)
{
    public const string WhoSees =
        "Your answer is seen by IT, so that someone can follow up with you in person if things are not going well. " +
        "It is never shared outside IT. You get at most one pulse every few weeks.";

    public ComposedPulse Compose(User user, PulseRecord pulse)
    {
        var questions = PulseQuestions.Resolve(pulse.QuestionSet, options.QuestionSets) ?? [];
        var composed = questions.Select((text, q) =>
            new ComposedQuestion(text, PulseAnswers.All.Select(a => new AnswerLink(a, links.Answer(pulse, q, a.Value))).ToList())).ToList();
        return new ComposedPulse(pulse, user,
            Subject: questions.Length == 1 ? questions[0] : "Three quick questions from IT",
            Greeting: $"Hello {user.DisplayName},",
            composed,
            HoneypotUrl: links.Honeypot(pulse),
            UnsubscribeUrl: links.Unsubscribe(user.Id, pulse.CreatedAt),
            WhoSees);
    }
}
