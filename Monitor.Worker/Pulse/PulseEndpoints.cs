using Monitor.Core.Pulses;
using Monitor.Probes.Pulse;
using Monitor.Worker.Endpoints;
using Monitor.Worker.Exporter;

namespace Monitor.Worker.Pulse;

/// <summary>
/// The public pages of a pulse (docs/pulse.md). A GET never records anything; an answer is recorded by
/// a POST that the landing page sends by itself (or its "Send" button), judged by <see cref="ScannerJudge"/>.
/// What a click means is decided by <see cref="PulseResponses"/>; this only speaks HTTP and HTML, in the language of
/// the person the link names (their directory locale; a link that names nobody reads English).
/// </summary>
public static class PulseEndpoints
{
    public static IEndpointRouteBuilder MapPulseEndpoints(this IEndpointRouteBuilder app)
    {
        PulseLinkRefusals.Register();
        var pages = app.MapGroup("").OnListener(Listener.Public);
        pages.MapMethods("/p/{token}", [HttpMethods.Get, HttpMethods.Head], LandingAsync);
        pages.MapPost("/p/{token}", AnswerAsync);
        pages.MapPost("/p/respond", RespondAsync);
        pages.MapMethods("/p/h/{token}", [HttpMethods.Get, HttpMethods.Head], HoneypotAsync);
        pages.MapMethods("/u/{token}", [HttpMethods.Get, HttpMethods.Head], async (string token, HttpContext http, PulseResponses r, CancellationToken ct) =>
        {
            var check = r.Check(token, TokenPurpose.Unsubscribe, out var claims);
            var w = await WordsAsync(r, claims?.UserId, ct);
            return Page(http, w, check, claims) ?? PulsePages.UnsubscribeConfirm(w);
        });
        pages.MapPost("/u/{token}", UnsubscribeAsync);
        return app;
    }

    private static async Task<PageWords> WordsAsync(PulseResponses r, string? userId, CancellationToken ct) =>
        new(r.Texts, await r.LanguageAsync(userId, ct));

    /// <summary>The words of an answer link's pages; the claims of an expired link are verified again only when it is one.</summary>
    private static async Task<PageWords> WordsAsync(PulseResponses r, ResolvedLink link, string token, CancellationToken ct) =>
        new(r.Texts, await r.LanguageAsync(link, link.Pulse?.UserId ?? (link.Check == LinkCheck.Expired ? Expired(r, token) : null), ct));

    private static IResult? AnswerLinkPage(HttpContext http, PageWords w, ResolvedLink link, PulseResponses r, string token) =>
        link.Check == LinkCheck.Valid ? null : Page(http, w, link.Check, ExpiredClaims(r, token));

    private static async Task<IResult> LandingAsync(string token, HttpContext http, PulseResponses r, CancellationToken ct)
    {
        var link = await r.ResolveAsync(token, TokenPurpose.Answer, ct);
        var w = await WordsAsync(r, link, token, ct);
        if (AnswerLinkPage(http, w, link, r, token) is { } error) return error;
        if (HttpMethods.IsHead(http.Request.Method))
        {
            Scanner(ScannerJudge.Head);
            return Results.Ok();
        }
        if (await r.JudgeFetchAsync(link, ScannerJudge.IsAutomatedAgent(http.Request.Headers.UserAgent), ct) is { } reason) Scanner(reason);
        return PulsePages.Landing(w, Question(r, link, w), link.Answer!, autoSubmit: true, r.Options.Scanner.AutoSubmitDelay, note: null);
    }

    private static async Task<IResult> AnswerAsync(string token, HttpContext http, PulseResponses r, CancellationToken ct)
    {
        var link = await r.ResolveAsync(token, TokenPurpose.Answer, ct);
        var w = await WordsAsync(r, link, token, ct);
        if (AnswerLinkPage(http, w, link, r, token) is { } error) return error;
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(ct) : null;
        var auto = form?["auto"].ToString() == "1";
        var automation = form?["wd"].ToString() == "1" || ScannerJudge.IsAutomatedAgent(http.Request.Headers.UserAgent);
        if (await r.JudgeSubmitAsync(link, automation, personClicked: !auto, ct) is { } reason)
        {
            Scanner(reason);
            return PulsePages.Landing(w, Question(r, link, w), link.Answer!, autoSubmit: false, r.Options.Scanner.AutoSubmitDelay,
                note: w[reason == ScannerJudge.TooSoon ? "Landing.TooSoon" : "Landing.PressSend"]);
        }
        var (pulse, q, answer) = (link.Pulse!, link.Claims!.Question, link.Answer!);
        // A re-click keeps the comment written on the thank-you page, and the form shows it again.
        var kept = await RecordAsync(r, pulse, q, answer, comment: null, given: null, ct, keepComment: true);
        var feedback = await r.FeedbackAsync(link, ct);
        return ThanksPage.Render(w, new ThanksForm(Question(r, link, w), q, answer, r.RespondToken(pulse), WithoutFactor(kept, feedback),
            r.Options.CommentMaxLength, r.Factors(answer), r.Options.Factors, feedback));
    }

    /// <summary>The thank-you page's form: change the answer, add a comment, a factor and the time lost.</summary>
    private static async Task<IResult> RespondAsync(HttpContext http, PulseResponses r, CancellationToken ct)
    {
        if (!http.Request.HasFormContentType) return PulsePages.Invalid(new PageWords(r.Texts, PulseLanguage.English));
        var form = await http.Request.ReadFormAsync(ct);
        var token = form["t"].ToString();
        var link = await r.ResolveAsync(token, TokenPurpose.Respond, ct);
        var w = new PageWords(r.Texts, await r.LanguageAsync(link, link.Pulse?.UserId, ct));
        if (Page(http, w, link.Check, null) is { } error) return error;
        var max = r.Options.CommentMaxLength;
        var questions = r.Questions(link.Pulse!, w.Language);
        if (!int.TryParse(form["q"], out var q) || q < 0 || q >= questions.Length ||
            !int.TryParse(form["answer"], out var a) || PulseAnswers.Find(a) is not { } answer)
        {
            return PulsePages.Message(w, 400, w["Thanks.ChooseAnswer.Title"], w["Thanks.ChooseAnswer.Text"]);
        }
        var comment = form["comment"].ToString().Trim();
        var valid = r.TryFeedback(answer, form["factor"], form["lost"], out var given);
        string? problem = comment.Length > max ? w.Format("Thanks.TooLong.Text", max) : valid ? null : w["Feedback.Unknown.Text"];
        var page = new ThanksForm(questions[q], q, answer, token, comment, max, r.Factors(answer), r.Options.Factors, given, problem);
        // Refused: the form comes back with what was typed and chosen, and nothing is changed.
        if (problem is not null) return ThanksPage.Render(w, page, 400);
        await RecordAsync(r, link.Pulse!, q, answer, comment.Length == 0 ? null : comment, given, ct);
        return ThanksPage.Render(w, page);
    }

    private static async Task<IResult> HoneypotAsync(string token, HttpContext http, PulseResponses r, CancellationToken ct)
    {
        var link = await r.ResolveAsync(token, TokenPurpose.Honeypot, ct);
        var w = new PageWords(r.Texts, PulseLanguage.English); // only machines follow it
        if (Page(http, w, link.Check, null) is { } error) return error;
        await r.MarkHoneypotAsync(link.Pulse!, ct);
        Scanner(ScannerJudge.Honeypot);
        return PulsePages.Message(w, 200, "Nothing here", "Nothing to see.");
    }

    /// <summary>Both the confirmation page's button and RFC 8058's one-click POST; no cookie, no session.</summary>
    private static async Task<IResult> UnsubscribeAsync(string token, HttpContext http, PulseResponses r, CancellationToken ct)
    {
        var check = await r.UnsubscribeAsync(token, ct);
        r.Check(token, TokenPurpose.Unsubscribe, out var claims);
        var w = await WordsAsync(r, claims?.UserId, ct);
        return Page(http, w, check, claims) ?? PulsePages.Message(w, 200, w["Unsubscribe.Done.Title"],
            w.Format("Unsubscribe.Done.Text", await r.LocalNowAsync(claims!.UserId, ct)));
    }

    private static string Question(PulseResponses r, ResolvedLink link, PageWords w) =>
        r.Questions(link.Pulse!, w.Language)[link.Claims!.Question];

    /// <summary>The user an expired (but genuine) link names, so that even "this pulse has closed" is in their language.</summary>
    private static string? Expired(PulseResponses r, string token) => ExpiredClaims(r, token)?.UserId;

    private static PulseToken? ExpiredClaims(PulseResponses r, string token) =>
        r.Check(token, TokenPurpose.Answer, out var claims) == LinkCheck.Expired ? claims : null;

    private static async Task<string?> RecordAsync(PulseResponses r, PulseRecord pulse, int question, PulseAnswer answer, string? comment,
        PulseFeedback? given, CancellationToken ct, bool keepComment = false)
    {
        var stored = await r.RecordAsync(pulse, question, answer, comment, ct, given, keepComment);
        MonitorMetrics.PulseAnswers.Inc();
        return stored;
    }

    /// <summary>The person's own words of a stored comment: without the <c>[factor]</c> the answer put in front of them.</summary>
    private static string? WithoutFactor(string? comment, PulseFeedback? feedback)
    {
        if (comment is null || feedback?.Factor is not { } factor) return comment;
        var prefix = $"[{factor}]";
        if (!comment.StartsWith(prefix, StringComparison.Ordinal)) return comment;
        var own = comment[prefix.Length..].TrimStart();
        return own.Length > 0 ? own : null;
    }

    private static void Scanner(string reason) => MonitorMetrics.LinkScannerHits.WithLabels(reason).Inc();

    /// <summary>
    /// The page of a link that cannot be used; null when it can. An expired link says when it closed; one that is not ours
    /// is counted and logged (<see cref="PulseLinkRefusals"/>).
    /// </summary>
    private static IResult? Page(HttpContext http, PageWords w, LinkCheck check, PulseToken? claims) => check switch
    {
        LinkCheck.Valid => null,
        LinkCheck.Expired => PulsePages.Expired(w, claims?.ExpiresAt.UtcDateTime ?? DateTime.UtcNow),
        _ => PulseLinkRefusals.Invalid(http, w),
    };
}
