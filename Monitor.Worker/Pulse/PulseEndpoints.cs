using Microsoft.Extensions.Options;
using Monitor.Core.Signals;
using Monitor.Probes.Pulse;
using Monitor.Worker.Endpoints;
using Monitor.Worker.Metrics;
using Monitor.Worker.Storage;

namespace Monitor.Worker.Pulse;

/// <summary>
/// The public pages of a pulse (docs/pulse.md). A GET never records anything; an answer is recorded by
/// a POST that the landing page sends by itself (or its "Send" button), judged by <see cref="ScannerJudge"/>.
/// </summary>
public static class PulseEndpoints
{
    public static IEndpointRouteBuilder MapPulseEndpoints(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("").OnListener(Listener.Public);
        pages.MapMethods("/p/{token}", [HttpMethods.Get, HttpMethods.Head], LandingAsync);
        pages.MapPost("/p/{token}", AnswerAsync);
        pages.MapPost("/p/respond", RespondAsync);
        pages.MapMethods("/p/h/{token}", [HttpMethods.Get, HttpMethods.Head], HoneypotAsync);
        pages.MapMethods("/u/{token}", [HttpMethods.Get, HttpMethods.Head], (string token, PulseTokenCodec codec, TimeProvider time) =>
            Check(codec, token, TokenPurpose.Unsubscribe, time.GetUtcNow(), out _) ?? PulsePages.UnsubscribeConfirm());
        pages.MapPost("/u/{token}", UnsubscribeAsync);
        return app;
    }

    private static async Task<IResult> LandingAsync(string token, HttpContext http, PulsePageContext c, CancellationToken ct)
    {
        var (error, claims, pulse, question, answer) = await c.ResolveAsync(token, TokenPurpose.Answer, ct);
        if (error is not null) return error;
        var o = c.Options.Value;
        var now = c.Time.GetUtcNow();
        if (HttpMethods.IsHead(http.Request.Method))
        {
            Scanner(ScannerJudge.Head);
            return Results.Ok();
        }
        var distinct = await c.Pulses.RecordLinkHitAsync(pulse!.Id, claims!.Question * 10 + claims.Answer, now, now - o.Scanner.BurstWindow, ct);
        var reason = ScannerJudge.Judge(new LinkFetch(now, pulse.SentAt, pulse.HoneypotAt, distinct,
            ScannerJudge.IsAutomatedAgent(http.Request.Headers.UserAgent), PersonClicked: false), o.Scanner.Rules());
        if (reason is not null) Scanner(reason);
        return PulsePages.Landing(question!, answer!, autoSubmit: true, o.Scanner.AutoSubmitDelay, note: null);
    }

    private static async Task<IResult> AnswerAsync(string token, HttpContext http, PulsePageContext c, CancellationToken ct)
    {
        var (error, claims, pulse, question, answer) = await c.ResolveAsync(token, TokenPurpose.Answer, ct);
        if (error is not null) return error;
        var o = c.Options.Value;
        var now = c.Time.GetUtcNow();
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(ct) : null;
        var auto = form?["auto"].ToString() == "1";
        var automation = form?["wd"].ToString() == "1" || ScannerJudge.IsAutomatedAgent(http.Request.Headers.UserAgent);
        var distinct = await c.Pulses.DistinctAnswersFetchedAsync(pulse!.Id, now - o.Scanner.BurstWindow, ct);
        var reason = ScannerJudge.Judge(new LinkFetch(now, pulse.SentAt, pulse.HoneypotAt, distinct, automation, PersonClicked: !auto), o.Scanner.Rules());
        if (reason is not null)
        {
            Scanner(reason);
            return PulsePages.Landing(question!, answer!, autoSubmit: false, o.Scanner.AutoSubmitDelay,
                note: reason == ScannerJudge.TooSoon
                    ? "This link was opened moments after the e-mail arrived, so nothing was recorded yet. Please press Send in a minute."
                    : "Please press Send to record your answer.");
        }
        await c.RecordAsync(pulse, claims!.Question, answer!, comment: null, now, ct);
        return PulsePages.Thanks(question!, claims.Question, answer!, c.Links.RespondToken(pulse), null, o.CommentMaxLength);
    }

    /// <summary>The thank-you page's form: change the answer, add a comment.</summary>
    private static async Task<IResult> RespondAsync(HttpContext http, PulsePageContext c, CancellationToken ct)
    {
        if (!http.Request.HasFormContentType) return PulsePages.Invalid();
        var form = await http.Request.ReadFormAsync(ct);
        var (error, claims, pulse, _, _) = await c.ResolveAsync(form["t"].ToString(), TokenPurpose.Respond, ct);
        if (error is not null) return error;
        var o = c.Options.Value;
        var questions = PulseQuestions.Resolve(pulse!.QuestionSet, o.QuestionSets) ?? [];
        if (!int.TryParse(form["q"], out var q) || q < 0 || q >= questions.Length ||
            !int.TryParse(form["answer"], out var a) || PulseAnswers.Find(a) is not { } answer)
        {
            return PulsePages.Message(400, "Please choose an answer", "Pick one of the five answers, then press Save.");
        }
        var comment = form["comment"].ToString().Trim();
        if (comment.Length > o.CommentMaxLength)
            return PulsePages.Message(400, "Your comment is too long", $"Please keep it under {o.CommentMaxLength} characters; nothing was changed.");
        await c.RecordAsync(pulse, q, answer, comment.Length == 0 ? null : comment, c.Time.GetUtcNow(), ct);
        return PulsePages.Thanks(questions[q], q, answer, form["t"].ToString(), comment, o.CommentMaxLength);
    }

    private static async Task<IResult> HoneypotAsync(string token, PulsePageContext c, CancellationToken ct)
    {
        var (error, _, pulse, _, _) = await c.ResolveAsync(token, TokenPurpose.Honeypot, ct);
        if (error is not null) return error;
        await c.Pulses.MarkHoneypotAsync(pulse!.Id, c.Time.GetUtcNow(), ct);
        Scanner(ScannerJudge.Honeypot);
        return PulsePages.Message(200, "Nothing here", "Nothing to see.");
    }

    /// <summary>Both the confirmation page's button and RFC 8058's one-click POST; no cookie, no session.</summary>
    private static async Task<IResult> UnsubscribeAsync(string token, PulsePageContext c, CancellationToken ct)
    {
        if (Check(c.Codec, token, TokenPurpose.Unsubscribe, c.Time.GetUtcNow(), out var claims) is { } error) return error;
        await c.Users.SetOptedOutAsync(claims!.UserId, true, ct);
        return PulsePages.Message(200, "You are unsubscribed", "You will receive no more pulse e-mails. IT can turn them back on if you ask.");
    }

    private static void Scanner(string reason) => MonitorMetrics.LinkScannerHits.WithLabels(reason).Inc();

    internal static IResult? Check(PulseTokenCodec codec, string token, TokenPurpose purpose, DateTimeOffset now, out PulseToken? claims)
    {
        var verdict = codec.Verify(token, now, out claims);
        if (verdict == TokenVerdict.Valid && claims!.Purpose == purpose) return null;
        return verdict == TokenVerdict.Expired && claims!.Purpose == purpose ? PulsePages.Expired() : PulsePages.Invalid();
    }
}

/// <summary>What the pulse pages need, resolved once per request.</summary>
internal sealed class PulsePageContext(PulseTokenCodec codec, PulseLinks links, PulseRepository pulses, SignalRepository signals,
    UserRepository users, IOptions<PulseOptions> options, TimeProvider time)
{
    public PulseTokenCodec Codec => codec;
    public PulseLinks Links => links;
    public PulseRepository Pulses => pulses;
    public UserRepository Users => users;
    public IOptions<PulseOptions> Options => options;
    public TimeProvider Time => time;

    public async Task<(IResult? Error, PulseToken? Claims, PulseRecord? Pulse, string? Question, PulseAnswer? Answer)> ResolveAsync(
        string token, TokenPurpose purpose, CancellationToken ct)
    {
        if (PulseEndpoints.Check(codec, token, purpose, time.GetUtcNow(), out var claims) is { } error) return (error, null, null, null, null);
        var pulse = await pulses.FindAsync(claims!.PulseId, ct);
        // A signed token for a pulse that does not exist (or for someone else's) is treated as forged.
        if (pulse is null || pulse.UserId != claims.UserId) return (PulsePages.Invalid(), null, null, null, null);
        var questions = PulseQuestions.Resolve(pulse.QuestionSet, options.Value.QuestionSets) ?? [];
        if (purpose != TokenPurpose.Answer) return (null, claims, pulse, null, null);
        if (claims.Question >= questions.Length || PulseAnswers.Find(claims.Answer) is not { } answer)
            return (PulsePages.Invalid(), null, null, null, null);
        return (null, claims, pulse, questions[claims.Question], answer);
    }

    public async Task RecordAsync(PulseRecord pulse, int question, PulseAnswer answer, string? comment, DateTimeOffset now, CancellationToken ct)
    {
        await signals.UpsertAsync(new Signal(pulse.UserId, SignalKinds.PulseAnswer, answer.Score, 1.0, now,
            PulseService.PulseSource(pulse.Id, question), comment), ct);
        await pulses.MarkAnsweredAsync(pulse.Id, now, ct);
        MonitorMetrics.PulseAnswers.Inc();
    }
}
