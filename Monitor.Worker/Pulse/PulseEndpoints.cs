using Monitor.Core.Pulses;
using Monitor.Probes.Pulse;
using Monitor.Worker.Endpoints;
using Monitor.Worker.Exporter;

namespace Monitor.Worker.Pulse;

/// <summary>
/// The public pages of a pulse (docs/pulse.md). A GET never records anything; an answer is recorded by
/// a POST that the landing page sends by itself (or its "Send" button), judged by <see cref="ScannerJudge"/>.
/// What a click means is decided by <see cref="PulseResponses"/>; this only speaks HTTP and HTML.
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
        pages.MapMethods("/u/{token}", [HttpMethods.Get, HttpMethods.Head], (string token, PulseResponses r) =>
            Page(r.Check(token, TokenPurpose.Unsubscribe, out _)) ?? PulsePages.UnsubscribeConfirm());
        pages.MapPost("/u/{token}", UnsubscribeAsync);
        return app;
    }

    private static async Task<IResult> LandingAsync(string token, HttpContext http, PulseResponses r, CancellationToken ct)
    {
        var link = await r.ResolveAsync(token, TokenPurpose.Answer, ct);
        if (Page(link.Check) is { } error) return error;
        if (HttpMethods.IsHead(http.Request.Method))
        {
            Scanner(ScannerJudge.Head);
            return Results.Ok();
        }
        if (await r.JudgeFetchAsync(link, ScannerJudge.IsAutomatedAgent(http.Request.Headers.UserAgent), ct) is { } reason) Scanner(reason);
        return PulsePages.Landing(link.Question!, link.Answer!, autoSubmit: true, r.Options.Scanner.AutoSubmitDelay, note: null);
    }

    private static async Task<IResult> AnswerAsync(string token, HttpContext http, PulseResponses r, CancellationToken ct)
    {
        var link = await r.ResolveAsync(token, TokenPurpose.Answer, ct);
        if (Page(link.Check) is { } error) return error;
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(ct) : null;
        var auto = form?["auto"].ToString() == "1";
        var automation = form?["wd"].ToString() == "1" || ScannerJudge.IsAutomatedAgent(http.Request.Headers.UserAgent);
        if (await r.JudgeSubmitAsync(link, automation, personClicked: !auto, ct) is { } reason)
        {
            Scanner(reason);
            return PulsePages.Landing(link.Question!, link.Answer!, autoSubmit: false, r.Options.Scanner.AutoSubmitDelay,
                note: reason == ScannerJudge.TooSoon
                    ? "This link was opened moments after the e-mail arrived, so nothing was recorded yet. Please press Send in a minute."
                    : "Please press Send to record your answer.");
        }
        await RecordAsync(r, link.Pulse!, link.Claims!.Question, link.Answer!, comment: null, ct);
        return PulsePages.Thanks(link.Question!, link.Claims.Question, link.Answer!, r.RespondToken(link.Pulse!), null,
            r.Options.CommentMaxLength);
    }

    /// <summary>The thank-you page's form: change the answer, add a comment.</summary>
    private static async Task<IResult> RespondAsync(HttpContext http, PulseResponses r, CancellationToken ct)
    {
        if (!http.Request.HasFormContentType) return PulsePages.Invalid();
        var form = await http.Request.ReadFormAsync(ct);
        var link = await r.ResolveAsync(form["t"].ToString(), TokenPurpose.Respond, ct);
        if (Page(link.Check) is { } error) return error;
        var max = r.Options.CommentMaxLength;
        var questions = r.Questions(link.Pulse!);
        if (!int.TryParse(form["q"], out var q) || q < 0 || q >= questions.Length ||
            !int.TryParse(form["answer"], out var a) || PulseAnswers.Find(a) is not { } answer)
        {
            return PulsePages.Message(400, "Please choose an answer", "Pick one of the five answers, then press Save.");
        }
        var comment = form["comment"].ToString().Trim();
        if (comment.Length > max)
            return PulsePages.Message(400, "Your comment is too long", $"Please keep it under {max} characters; nothing was changed.");
        await RecordAsync(r, link.Pulse!, q, answer, comment.Length == 0 ? null : comment, ct);
        return PulsePages.Thanks(questions[q], q, answer, form["t"].ToString(), comment, max);
    }

    private static async Task<IResult> HoneypotAsync(string token, PulseResponses r, CancellationToken ct)
    {
        var link = await r.ResolveAsync(token, TokenPurpose.Honeypot, ct);
        if (Page(link.Check) is { } error) return error;
        await r.MarkHoneypotAsync(link.Pulse!, ct);
        Scanner(ScannerJudge.Honeypot);
        return PulsePages.Message(200, "Nothing here", "Nothing to see.");
    }

    /// <summary>Both the confirmation page's button and RFC 8058's one-click POST; no cookie, no session.</summary>
    private static async Task<IResult> UnsubscribeAsync(string token, PulseResponses r, CancellationToken ct) =>
        Page(await r.UnsubscribeAsync(token, ct))
        ?? PulsePages.Message(200, "You are unsubscribed", "You will receive no more pulse e-mails. IT can turn them back on if you ask.");

    private static async Task RecordAsync(PulseResponses r, PulseRecord pulse, int question, PulseAnswer answer, string? comment,
        CancellationToken ct)
    {
        await r.RecordAsync(pulse, question, answer, comment, ct);
        MonitorMetrics.PulseAnswers.Inc();
    }

    private static void Scanner(string reason) => MonitorMetrics.LinkScannerHits.WithLabels(reason).Inc();

    /// <summary>The page of a link that cannot be used; null when it can.</summary>
    private static IResult? Page(LinkCheck check) => check switch
    {
        LinkCheck.Valid => null,
        LinkCheck.Expired => PulsePages.Expired(),
        _ => PulsePages.Invalid(),
    };
}
