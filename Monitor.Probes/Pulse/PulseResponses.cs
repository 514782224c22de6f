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

/// <summary>A pulse link resolved against the store: its claims, its pulse and, for answer links, the question and answer.</summary>
public sealed record ResolvedLink(LinkCheck Check, PulseToken? Claims = null, PulseRecord? Pulse = null, string? Question = null,
    PulseAnswer? Answer = null);

/// <summary>
/// What people's clicks do (docs/pulse.md), without HTTP: resolving a link, judging whether a fetch is a
/// link scanner, recording an answer (a change replaces the earlier one), the honeypot and unsubscribing.
/// The worker's pages turn the outcomes into HTML.
/// </summary>
public sealed class PulseResponses(PulseTokenCodec codec, PulseLinks links, IPulseStore pulses, ISignalSink signals,
    IUserDirectory users, IOptions<PulseOptions> options, TimeProvider time)
{
    public PulseOptions Options => options.Value;

    public LinkCheck Check(string token, TokenPurpose purpose, out PulseToken? claims)
    {
        var verdict = codec.Verify(token, time.GetUtcNow(), out claims);
        if (verdict == TokenVerdict.Valid && claims!.Purpose == purpose) return LinkCheck.Valid;
        return verdict == TokenVerdict.Expired && claims!.Purpose == purpose ? LinkCheck.Expired : LinkCheck.Invalid;
    }

    public async Task<ResolvedLink> ResolveAsync(string token, TokenPurpose purpose, CancellationToken ct)
    {
        if (Check(token, purpose, out var claims) is not LinkCheck.Valid and var check) return new ResolvedLink(check);
        var pulse = await pulses.FindAsync(claims!.PulseId, ct);
        // A signed token for a pulse that does not exist (or for someone else's) is treated as forged.
        if (pulse is null || pulse.UserId != claims.UserId) return new ResolvedLink(LinkCheck.Invalid);
        if (purpose != TokenPurpose.Answer) return new ResolvedLink(LinkCheck.Valid, claims, pulse);
        var questions = Questions(pulse);
        if (claims.Question >= questions.Length || PulseAnswers.Find(claims.Answer) is not { } answer)
            return new ResolvedLink(LinkCheck.Invalid);
        return new ResolvedLink(LinkCheck.Valid, claims, pulse, questions[claims.Question], answer);
    }

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
        var distinct = await pulses.DistinctAnswersFetchedAsync(pulse.Id, now - Options.Scanner.BurstWindow, ct);
        return ScannerJudge.Judge(new LinkFetch(now, pulse.SentAt, pulse.HoneypotAt, distinct, automation, personClicked),
            Options.Scanner.Rules());
    }

    /// <summary>Records the answer as a hard-capable <c>pulse_answer</c> signal; a later answer to the same question replaces it.</summary>
    public async Task RecordAsync(PulseRecord pulse, int question, PulseAnswer answer, string? comment, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await signals.ReplaceAsync(new Signal(pulse.UserId, SignalKinds.PulseAnswer, answer.Score, 1.0, now,
            PulseService.PulseSource(pulse.Id, question), comment), ct);
        await pulses.MarkAnsweredAsync(pulse.Id, now, ct);
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
}
