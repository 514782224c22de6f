using Microsoft.Extensions.Options;
using Monitor.Core.Ports;
using Monitor.Core.Pulses;
using Monitor.Core.Signals;

namespace Monitor.Probes.Pulse;

/// <summary>How a link checked out: usable, not ours (malformed, forged, wrong purpose) or expired.</summary>
public enum LinkCheck
{
    Valid,
    Invalid,
    Expired,
}

/// <summary>
/// A pulse link resolved against the store: its claims, its pulse and, for answer links, the question and answer; with
/// what the store read beside the pulse (<see cref="PulseLookup"/>), so that the page needs no further reads. It is what
/// one request read: the scanner judgement of its submit counts the link fetches as they were then.
/// </summary>
public sealed record ResolvedLink(LinkCheck Check, PulseToken? Claims = null, PulseRecord? Pulse = null, string? Question = null,
    PulseAnswer? Answer = null, PulseLookup? Lookup = null);

/// <summary>
/// What people's clicks do (docs/pulse.md), without HTTP: resolving a link, judging whether a fetch is a
/// link scanner, recording an answer (a change replaces the earlier one), the honeypot and unsubscribing.
/// The worker's pages turn the outcomes into HTML.
/// </summary>
public sealed class PulseResponses(PulseTokenCodec codec, PulseLinks links, IPulseStore pulses,
    IUserDirectory users, IOptions<PulseOptions> options, TimeProvider time, PulseTexts? texts = null, IPulseFeedbackStore? feedback = null)
{
    public PulseOptions Options => options.Value;

    public PulseTexts Texts { get; } = texts ?? PulseTexts.Default;

    /// <summary>The language of the person a link names, from their directory locale (never from the browser).</summary>
    public async Task<PulseLanguage> LanguageAsync(string? userId, CancellationToken ct) =>
        userId is null ? PulseLanguage.English : PulseTexts.Language((await users.FindAsync(userId, ct))?.Locale);

    /// <summary>The pulse's questions in the language (the same count in every language).</summary>
    public string[] Questions(PulseRecord pulse, PulseLanguage language) =>
        Texts.Questions(pulse.QuestionSet, Options, language) ?? [];

    public LinkCheck Check(string token, TokenPurpose purpose, out PulseToken? claims)
    {
        var now = time.GetUtcNow();
        var verdict = codec.Verify(token, now, out claims);
        // A signed expiry further than any link this worker makes (e.g. year 9999, issue 13 item 9) is not one of ours.
        if (verdict == TokenVerdict.Valid && claims!.ExpiresAt - now > PulseLinks.LongestSigned)
        {
            claims = null;
            return LinkCheck.Invalid;
        }
        if (verdict == TokenVerdict.Valid && claims!.Purpose == purpose) return LinkCheck.Valid;
        return verdict == TokenVerdict.Expired && claims!.Purpose == purpose ? LinkCheck.Expired : LinkCheck.Invalid;
    }

    public async Task<ResolvedLink> ResolveAsync(string token, TokenPurpose purpose, CancellationToken ct)
    {
        if (Check(token, purpose, out var claims) is not LinkCheck.Valid and var check) return new ResolvedLink(check);
        var lookup = await pulses.LookupAsync(claims!.PulseId, claims.Question, time.GetUtcNow() - Options.Scanner.BurstWindow, ct);
        var pulse = lookup?.Pulse;
        // A signed token for a pulse that does not exist (or for someone else's) is treated as forged.
        if (pulse is null || pulse.UserId != claims.UserId) return new ResolvedLink(LinkCheck.Invalid);
        if (purpose != TokenPurpose.Answer) return new ResolvedLink(LinkCheck.Valid, claims, pulse, Lookup: lookup);
        var questions = Questions(pulse);
        if (claims.Question >= questions.Length || PulseAnswers.Find(claims.Answer) is not { } answer)
            return new ResolvedLink(LinkCheck.Invalid);
        return new ResolvedLink(LinkCheck.Valid, claims, pulse, questions[claims.Question], answer, lookup);
    }

    /// <summary>The language of the person a resolved link names: from what the lookup read, else from the directory.</summary>
    public async Task<PulseLanguage> LanguageAsync(ResolvedLink link, string? userId, CancellationToken ct) =>
        link.Lookup is { Complete: true } read ? PulseTexts.Language(read.Locale) : await LanguageAsync(userId, ct);

    public string[] Questions(PulseRecord pulse) => PulseQuestions.Resolve(pulse.QuestionSet, Options.QuestionSets) ?? [];

    /// <summary>A GET of an answer link: logs the fetch and returns the scanner reason, or null when a person may be there.</summary>
    public async Task<string?> JudgeFetchAsync(ResolvedLink link, bool automatedAgent, CancellationToken ct)
    {
        var (pulse, claims, now) = (link.Pulse!, link.Claims!, time.GetUtcNow());
        var distinct = await pulses.RecordLinkHitAsync(pulse.Id, claims.Question * 10 + claims.Answer, now,
            now - Options.Scanner.BurstWindow, ct);
        return ScannerJudge.Judge(new LinkFetch(now, pulse.SentAt, pulse.HoneypotAt, distinct, automatedAgent, PersonClicked: false),
            Options.Scanner.Rules());
    }

    /// <summary>The landing page's POST: the scanner reason, or null when the answer may be recorded.</summary>
    public async Task<string?> JudgeSubmitAsync(ResolvedLink link, bool automation, bool personClicked, CancellationToken ct)
    {
        var (pulse, now) = (link.Pulse!, time.GetUtcNow());
        // The fetches were read with the pulse a moment ago: a GET racing this POST is one a person's own browser made.
        var distinct = link.Lookup?.AnswersFetched
            ?? await pulses.DistinctAnswersFetchedAsync(pulse.Id, now - Options.Scanner.BurstWindow, ct);
        return ScannerJudge.Judge(new LinkFetch(now, pulse.SentAt, pulse.HoneypotAt, distinct, automation, personClicked),
            Options.Scanner.Rules());
    }

    /// <summary>
    /// Records the answer as a hard-capable <c>pulse_answer</c> signal; a later answer to the same question replaces it.
    /// The feedback, when given, is stored beside it; an unhappy answer's factor also leads the signal's comment as
    /// <c>[factor]</c>, so the person's timeline shows why (docs/pulse.md, "Why and time lost"). Signal, pulse answered
    /// and feedback are one transaction. With <paramref name="keepComment"/> (a click on an answer link, which carries
    /// no comment) the comment written earlier stays. Returns the comment stored with the answer.
    /// </summary>
    public async Task<string?> RecordAsync(PulseRecord pulse, int question, PulseAnswer answer, string? comment, CancellationToken ct,
        PulseFeedback? given = null, bool keepComment = false)
    {
        var now = time.GetUtcNow();
        if (answer.Score < 0 && given?.Factor is { } factor) comment = comment is null ? $"[{factor}]" : $"[{factor}] {comment}";
        var signal = new Signal(pulse.UserId, SignalKinds.PulseAnswer, answer.Score, 1.0, now, PulseService.PulseSource(pulse.Id, question),
            comment);
        var stored = given is { IsEmpty: false } && feedback is not null
            ? new AnswerFeedback(Sentiment(answer), given.Factor, given.LostTime)
            : null;
        return await pulses.RecordAnswerAsync(new PulseAnswerWrite(pulse.Id, question, signal, keepComment, stored), ct);
    }

    public static string Sentiment(PulseAnswer answer) => answer.Score < 0 ? "bad" : "good";

    /// <summary>The factors offered after the answer (configured keys).</summary>
    public string[] Factors(PulseAnswer answer) => Options.Factors.For(answer.Score);

    /// <summary>Checks the thank-you form's optional choices: false when one is not offered (empty means not given).</summary>
    public bool TryFeedback(PulseAnswer answer, string? factor, string? lostTime, out PulseFeedback given)
    {
        factor = string.IsNullOrWhiteSpace(factor) ? null : factor.Trim();
        lostTime = string.IsNullOrWhiteSpace(lostTime) ? null : lostTime.Trim();
        // A factor of the other list is one picked before the answer was changed on the same form: dropped, not refused.
        var offered = factor is not null && Factors(answer).Contains(factor, StringComparer.Ordinal);
        given = new PulseFeedback(offered ? factor : null, lostTime);
        return (factor is null || Options.Factors.All().Contains(factor, StringComparer.Ordinal)) &&
               (lostTime is null || LostTimes.All.Contains(lostTime, StringComparer.Ordinal));
    }

    public async Task<PulseFeedback?> FeedbackAsync(PulseRecord pulse, int question, CancellationToken ct) =>
        feedback is not null && await feedback.FindAsync(pulse.Id, question, ct) is { } f ? new PulseFeedback(f.Factor, f.LostTime) : null;

    /// <summary>
    /// The feedback stored for an answer link's question, from what the lookup read when it could (a click on an answer link
    /// changes no feedback, so what was read before the answer is what is stored after it).
    /// </summary>
    public async Task<PulseFeedback?> FeedbackAsync(ResolvedLink link, CancellationToken ct)
    {
        if (feedback is null) return null;
        if (link.Lookup is not { Complete: true } read) return await FeedbackAsync(link.Pulse!, link.Claims!.Question, ct);
        return read.Factor is null && read.LostTime is null ? null : new PulseFeedback(read.Factor, read.LostTime);
    }

    public Task MarkHoneypotAsync(PulseRecord pulse, CancellationToken ct) => pulses.MarkHoneypotAsync(pulse.Id, time.GetUtcNow(), ct);

    public string RespondToken(PulseRecord pulse) => links.RespondToken(pulse);

    /// <summary>Opts the link's person out of pulses when the link is valid.</summary>
    public async Task<LinkCheck> UnsubscribeAsync(string token, CancellationToken ct)
    {
        var check = Check(token, TokenPurpose.Unsubscribe, out var claims);
        if (check == LinkCheck.Valid) await users.SetOptedOutAsync(claims!.UserId, true, ct);
        return check;
    }

    /// <summary>Now, on the clock of the person a link names (for dates on their pages).</summary>
    public async Task<DateTime> LocalNowAsync(string userId, CancellationToken ct) =>
        PulseComposer.Local(time.GetUtcNow(), (await users.FindAsync(userId, ct))?.TimeZone);
}
