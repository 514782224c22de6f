using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;

namespace Monitor.Worker.StaffConsole;

/// <summary>
/// The console's server-rendered HTML: plain forms that work without script, readable on a phone. Everything
/// that comes from outside is encoded; every form carries an anti-forgery token.
/// </summary>
internal static class ConsolePages
{
    public const string AntiforgeryField = "__RequestVerificationToken";

    private static readonly HtmlEncoder E = HtmlEncoder.Default;

    /// <param name="more">The home's content under the sign-in line (already encoded by its author).</param>
    public static IResult Home(AntiforgeryTokenSet tokens, string name, string role, string more = "") => Page(200, "IT staff console",
        "<h1>IT staff console</h1>" +
        $"<p id=\"signed-in\">Signed in as <strong>{E.Encode(name)}</strong> (<span id=\"role\">{E.Encode(role)}</span>)</p>" +
        $"<form method=\"post\" action=\"/console/sign-out\">{Token(tokens)}<button type=\"submit\">Sign out</button></form>" + more);

    public static IResult SignIn(AntiforgeryTokenSet tokens, string user, string returnUrl, string? error) =>
        Page(error is null ? 200 : 401, "Sign in",
        "<h1>Sign in to the IT staff console</h1>" + Error(error) +
        $"<form method=\"post\" action=\"/console/sign-in\">{Token(tokens)}" +
        $"<input type=\"hidden\" name=\"returnUrl\" value=\"{E.Encode(returnUrl)}\">" +
        "<p><label for=\"user\">User</label><br>" +
        $"<input id=\"user\" name=\"user\" autocomplete=\"username\" required value=\"{E.Encode(user)}\"></p>" +
        "<p><label for=\"password\">Password</label><br>" +
        "<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required></p>" +
        "<button type=\"submit\">Sign in</button></form>");

    public static IResult Setup(AntiforgeryTokenSet tokens, string user, string token, string? error) => Page(error is null ? 200 : 400,
        "Set the console password",
        $"<h1>Set the password of '{E.Encode(user)}'</h1>" + Error(error) +
        $"<p>This link works once. The password needs at least {LocalAccountOptions.MinimumPasswordLength} characters.</p>" +
        $"<form method=\"post\" action=\"/console/setup\">{Token(tokens)}" +
        $"<input type=\"hidden\" name=\"token\" value=\"{E.Encode(token)}\">" +
        "<p><label for=\"password\">New password</label><br>" +
        "<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"new-password\" minlength=\"12\" required></p>" +
        "<p><label for=\"confirmation\">Again</label><br>" +
        "<input id=\"confirmation\" name=\"confirmation\" type=\"password\" autocomplete=\"new-password\" minlength=\"12\" required></p>" +
        "<button type=\"submit\">Set password</button></form>");

    public static IResult Message(int status, string title, string text, string? link = null, string linkText = "Sign in") =>
        Page(status, title, $"<h1>{E.Encode(title)}</h1><p>{E.Encode(text)}</p>" +
                            (link is null ? "" : $"<p><a href=\"{E.Encode(link)}\">{E.Encode(linkText)}</a></p>"));

    /// <summary>A page in the console's layout, for a feature's own pages (visits, actions, …); the body is already encoded.</summary>
    public static IResult Html(int status, string title, string body) => Page(status, title, body);

    /// <summary>The hidden anti-forgery field every form of a feature's page carries.</summary>
    public static string TokenField(AntiforgeryTokenSet tokens) => Token(tokens);

    private static string Token(AntiforgeryTokenSet tokens) =>
        $"<input type=\"hidden\" name=\"{E.Encode(tokens.FormFieldName)}\" value=\"{E.Encode(tokens.RequestToken ?? "")}\">";

    private static string Error(string? error) => error is null ? "" : $"<p class=\"error\" role=\"alert\">{E.Encode(error)}</p>";

    private static HtmlResult Page(int status, string title, string body)
    {
        var html = new StringBuilder()
            .Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
            .Append("<meta name=\"robots\" content=\"noindex,nofollow\">")
            .Append("<title>").Append(E.Encode(title)).Append(" · satisfaction-monitor</title>")
            .Append("<style>body{font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em}")
            .Append("input,button{font-size:1.1em;padding:.4em;max-width:100%}.error{color:#a00}")
            .Append("table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.3em;border-bottom:1px solid #ddd}")
            .Append("nav a{margin-right:1em}.down{color:#a00}.degraded{color:#a60}.up{color:#070}select{font-size:1.1em}</style>")
            .Append("</head><body>").Append(body).Append("</body></html>");
        return new HtmlResult(status, html.ToString());
    }

    private sealed class HtmlResult(int status, string html) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            var r = context.Response;
            r.StatusCode = status;
            r.ContentType = "text/html; charset=utf-8";
            r.Headers.CacheControl = "no-store";
            r.Headers["Referrer-Policy"] = "no-referrer";
            r.Headers["X-Content-Type-Options"] = "nosniff";
            // No script at all; forms post to the console itself (a sign-out may then redirect to the identity provider).
            r.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; script-src 'none'; " +
                                              $"form-action 'self' {FormTargets(context)}; frame-ancestors 'none'; base-uri 'none'";
            return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : r.WriteAsync(html, context.RequestAborted);
        }

        private static string FormTargets(HttpContext context) =>
            context.RequestServices.GetService<Microsoft.Extensions.Options.IOptions<ConsoleOptions>>()?.Value is { UsesOidc: true } c &&
            Uri.TryCreate(c.Oidc.Authority, UriKind.Absolute, out var authority)
                ? authority.GetLeftPart(UriPartial.Authority)
                : "";
    }
}
