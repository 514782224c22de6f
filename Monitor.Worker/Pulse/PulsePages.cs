using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Monitor.Probes.Pulse;

namespace Monitor.Worker.Pulse;

/// <summary>The HTML people see after a click. Everything that comes from outside is encoded.</summary>
internal static class PulsePages
{
    private static readonly HtmlEncoder E = HtmlEncoder.Default;

    public static IResult Message(int status, string title, string text) =>
        Page(status, title, $"<h1>{E.Encode(title)}</h1><p>{E.Encode(text)}</p>", null);

    public static IResult Invalid() => Message(404, "This link does not work",
        "The link is incomplete or was changed. Please use the link exactly as it came in the e-mail; nothing was recorded.");

    public static IResult Expired() => Message(410, "This pulse has closed",
        "The link has expired, so nothing was recorded. You will get a new pulse in a while — thank you!");

    /// <summary>
    /// The landing page of an answer link: the chosen face preselected and one "Send" button. Its script
    /// submits by itself after a short delay, only in a visible page of a browser that is not automated.
    /// </summary>
    public static IResult Landing(string question, PulseAnswer answer, bool autoSubmit, TimeSpan delay, string? note)
    {
        var nonce = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var b = new StringBuilder();
        b.Append("<h1>").Append(E.Encode(question)).Append("</h1>")
         .Append("<form id=\"answer\" method=\"post\"><input type=\"hidden\" name=\"auto\" value=\"0\"><input type=\"hidden\" name=\"wd\" value=\"\">")
         .Append("<p class=\"choice\"><span class=\"face\" aria-hidden=\"true\">").Append(answer.Face).Append("</span> ")
         .Append("Your answer: <strong>").Append(E.Encode(answer.Words)).Append("</strong></p>");
        if (note is not null) b.Append("<p>").Append(E.Encode(note)).Append("</p>");
        else if (autoSubmit) b.Append("<p id=\"status\" role=\"status\">Recording your answer…</p>");
        b.Append("<button type=\"submit\">Send</button></form>");
        b.Append("<script nonce=\"").Append(nonce).Append("\">(function(){var f=document.getElementById('answer');")
         .Append("f.elements.wd.value=navigator.webdriver?'1':'0';");
        if (autoSubmit && note is null)
        {
            b.Append("setTimeout(function(){if(navigator.webdriver||document.visibilityState!=='visible')return;")
             .Append("f.elements.auto.value='1';f.submit();},")
             .Append(((int)delay.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)).Append(");");
        }
        b.Append("})();</script>");
        return Page(200, question, b.ToString(), nonce);
    }

    /// <summary>After an answer: thanks, and a form to change it or add a comment.</summary>
    public static IResult Thanks(string question, int questionIndex, PulseAnswer answer, string respondToken, string? comment, int maxComment)
    {
        var b = new StringBuilder();
        b.Append("<h1>Thank you!</h1><p id=\"recorded\">We recorded your answer to “").Append(E.Encode(question)).Append("”: <span aria-hidden=\"true\">")
         .Append(answer.Face).Append("</span> <strong>").Append(E.Encode(answer.Words)).Append("</strong>.</p>");
        if (!string.IsNullOrEmpty(comment))
            b.Append("<p>Your comment:</p><blockquote id=\"comment\">").Append(E.Encode(comment)).Append("</blockquote>");
        b.Append("<form method=\"post\" action=\"/p/respond\"><input type=\"hidden\" name=\"t\" value=\"").Append(E.Encode(respondToken)).Append("\">")
         .Append("<input type=\"hidden\" name=\"q\" value=\"").Append(questionIndex.ToString(CultureInfo.InvariantCulture)).Append("\">")
         .Append("<fieldset><legend>Change your answer</legend>");
        foreach (var a in PulseAnswers.All)
        {
            b.Append("<label><input type=\"radio\" name=\"answer\" value=\"").Append(a.Value.ToString(CultureInfo.InvariantCulture)).Append('"')
             .Append(a.Value == answer.Value ? " checked" : "").Append("> <span aria-hidden=\"true\">").Append(a.Face).Append("</span> ")
             .Append(E.Encode(a.Words)).Append("</label><br>");
        }
        b.Append("</fieldset><p><label for=\"c\">Anything you would like to tell IT? (optional)</label><br>")
         .Append("<textarea id=\"c\" name=\"comment\" rows=\"4\" cols=\"50\" maxlength=\"").Append(maxComment.ToString(CultureInfo.InvariantCulture)).Append("\">")
         .Append(E.Encode(comment ?? "")).Append("</textarea></p><button type=\"submit\">Save</button></form>")
         .Append("<p>IT sees your answer and comment, to follow up with you in person if things are not going well.</p>");
        return Page(200, "Thank you", b.ToString(), null);
    }

    public static IResult UnsubscribeConfirm() => Page(200, "Stop receiving pulses",
        "<h1>Stop receiving pulses?</h1><p>You will no longer get the short IT satisfaction e-mails. Other e-mail from IT is not affected.</p>" +
        "<form method=\"post\"><button type=\"submit\" name=\"List-Unsubscribe\" value=\"One-Click\">Unsubscribe</button></form>", null);

    private static HtmlResult Page(int status, string title, string body, string? nonce)
    {
        var script = nonce is null ? "'none'" : $"'nonce-{nonce}'";
        var html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">" +
                   "<meta name=\"robots\" content=\"noindex,nofollow\"><title>" + E.Encode(title) + "</title>" +
                   "<style>body{font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em}.face{font-size:2.5em}button{font-size:1.1em;padding:.4em 1.2em}</style>" +
                   "</head><body>" + body + "</body></html>";
        return new HtmlResult(status, html, script);
    }

    private sealed class HtmlResult(int status, string html, string script) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            var r = context.Response;
            r.StatusCode = status;
            r.ContentType = "text/html; charset=utf-8";
            r.Headers.CacheControl = "no-store";
            r.Headers["Referrer-Policy"] = "no-referrer";
            r.Headers["X-Robots-Tag"] = "noindex, nofollow";
            r.Headers["X-Content-Type-Options"] = "nosniff";
            r.Headers.ContentSecurityPolicy =
                $"default-src 'none'; style-src 'unsafe-inline'; script-src {script}; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
            return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : r.WriteAsync(html, context.RequestAborted);
        }
    }
}
