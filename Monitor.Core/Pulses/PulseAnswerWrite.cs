using Monitor.Core.Signals;

namespace Monitor.Core.Pulses;

/// <summary>
/// Everything one answer writes, stored in one transaction (docs/reliability.md): the <c>pulse_answer</c> signal
/// (replacing an earlier answer to the same question), the pulse marked answered, and the feedback when given.
/// </summary>
/// <param name="KeepComment">
/// True for a click on an answer link, which carries no comment: the comment written earlier on the thank-you page
/// stays, and so does the feedback. False for the thank-you form, whose comment field replaces it (empty clears it), and
/// whose factor and lost time replace the feedback: a save without either removes the earlier one.
/// </param>
public sealed record PulseAnswerWrite(Guid PulseId, int Question, Signal Signal, bool KeepComment, AnswerFeedback? Feedback);

/// <summary>The thank-you page's optional feedback, as stored beside the answer.</summary>
public sealed record AnswerFeedback(string Sentiment, string? Factor, string? LostTime);
