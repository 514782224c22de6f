using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Monitor.Probes.Pulse;

namespace Monitor.Worker.Pulse;

/// <summary>A page's words: the person's language and the resources.</summary>
internal sealed record PageWords(PulseTexts Texts, PulseLanguage Language)
{
    // The strings never change while the worker runs, but each lookup through the localiser sets the thread's UI culture and
    // asks the ResourceManager: the ~25 of a thank-you page were half its rendering (perf, docs/benchmarks.md "Pulse answers").
    // Bounded by languages x keys.
    private static readonly ConcurrentDictionary<(PulseTexts Texts, string Tag, char Kind, string Key, FactorOptions? Factors), string>
        Memo = new();

    public string this[string key] =>
        Memo.GetOrAdd((Texts, Language.Tag, 'k', key, null), static (k, l) => k.Texts.Get(l, k.Key), Language);

    public string Answer(PulseAnswer answer) =>
        Memo.GetOrAdd((Texts, Language.Tag, 'a', answer.Key, null), static (k, x) => k.Texts.Answer(x.Language, x.answer),
            (Language, answer));

    public string LostTime(string key) =>
        Memo.GetOrAdd((Texts, Language.Tag, 'l', key, null), static (k, l) => k.Texts.LostTime(l, k.Key), Language);

    public string Factor(string key, FactorOptions factors) =>
        Memo.GetOrAdd((Texts, Language.Tag, 'f', key, factors), static (k, l) => k.Texts.Factor(l, k.Key, k.Factors!), Language);

    public string Format(string key, params object?[] args) => Texts.Get(Language, key, args);
}

/// <summary>The HTML people see after a click, in their language. Everything that comes from outside is encoded.</summary>
internal static class PulsePages
{
    private static readonly HtmlEncoder E = HtmlEncoder.Default;

    public static IResult Message(PageWords w, int status, string title, string text) =>
        Page(w, status, title, $"<h1>{E.Encode(title)}</h1><p>{E.Encode(text)}</p>", null);

    public static IResult Invalid(PageWords w) => Message(w, 404, w["Page.Invalid.Title"], w["Page.Invalid.Text"]);

    public static IResult Expired(PageWords w, DateTime expiredAt) =>
        Message(w, 410, w["Page.Expired.Title"], w.Format("Page.Expired.Text", expiredAt));

    /// <summary>
    /// The landing page of an answer link: the chosen face preselected and one "Send" button. Its script
    /// submits by itself after a short delay, only in a visible page of a browser that is not automated.
    /// </summary>
    public static IResult Landing(PageWords w, string question, PulseAnswer answer, bool autoSubmit, TimeSpan delay, string? note)
    {
        var nonce = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var b = new StringBuilder();
        b.Append("<h1>").Append(E.Encode(question)).Append("</h1>")
         .Append("<form id=\"answer\" method=\"post\"><input type=\"hidden\" name=\"auto\" value=\"0\"><input type=\"hidden\" name=\"wd\" value=\"\">")
         .Append("<p class=\"choice\"><span class=\"face\" aria-hidden=\"true\">").Append(answer.Face).Append("</span> ")
         .Append(E.Encode(w["Landing.YourAnswer"])).Append(" <strong>").Append(E.Encode(w.Answer(answer))).Append("</strong></p>");
        if (note is not null) b.Append("<p id=\"note\">").Append(E.Encode(note)).Append("</p>");
        else if (autoSubmit) b.Append("<p id=\"status\" role=\"status\">").Append(E.Encode(w["Landing.Recording"])).Append("</p>");
        b.Append("<button type=\"submit\">").Append(E.Encode(w["Landing.Send"])).Append("</button></form>");
        b.Append("<script nonce=\"").Append(nonce).Append("\">(function(){var f=document.getElementById('answer');")
         .Append("f.elements.wd.value=navigator.webdriver?'1':'0';");
        if (autoSubmit && note is null)
        {
            b.Append("setTimeout(function(){if(navigator.webdriver||document.visibilityState!=='visible')return;")
             .Append("f.elements.auto.value='1';f.submit();},")
             .Append(((int)delay.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)).Append(");");
        }
        b.Append("})();</script>");
        return Page(w, 200, question, b.ToString(), nonce);
    }

    public static IResult UnsubscribeConfirm(PageWords w) => Page(w, 200, w["Unsubscribe.Title"],
        $"<h1>{E.Encode(w["Unsubscribe.Question"])}</h1><p>{E.Encode(w["Unsubscribe.Text"])}</p>" +
        "<form method=\"post\"><button type=\"submit\" name=\"List-Unsubscribe\" value=\"One-Click\">" + E.Encode(w["Unsubscribe.Button"]) +
        "</button></form>", null);

    internal static HtmlResult Page(PageWords w, int status, string title, string body, string? nonce)
    {
        var script = nonce is null ? "'none'" : $"'nonce-{nonce}'";
        var html = "<!DOCTYPE html><html lang=\"" + E.Encode(w.Language.Tag) + "\" dir=\"" + w.Language.Direction + "\"><head><meta charset=\"utf-8\">" +
                   "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">" +
                   "<meta name=\"robots\" content=\"noindex,nofollow\"><title>" + E.Encode(title) + "</title>" +
                   "<style>body{font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em}.face{font-size:2.5em}" +
                   "button{font-size:1.1em;padding:.4em 1.2em}.error{color:#a00}</style></head><body>" + body + "</body></html>";
        return new HtmlResult(status, html, script);
    }

    internal sealed class HtmlResult(int status, string html, string script) : IResult
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
