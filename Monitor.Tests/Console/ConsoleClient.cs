using System.Net;
using System.Text.RegularExpressions;

namespace Monitor.Tests.Console;

/// <summary>A browser without script for the console: keeps cookies, does not follow redirects, posts forms as they are rendered.</summary>
public sealed partial class ConsoleClient : IDisposable
{
    private readonly HttpClient _http;

    public ConsoleClient(Uri baseAddress)
    {
        Cookies = new CookieContainer();
        _http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public CookieContainer Cookies { get; }

    /// <summary>The anti-forgery token of the last page that had a form.</summary>
    public string? FormToken { get; private set; }

    public async Task<(HttpStatusCode Status, string Html, HttpResponseMessage Response)> GetAsync(string path)
    {
        var response = await _http.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        if (TokenField().Match(html) is { Success: true } m) FormToken = WebUtility.HtmlDecode(m.Groups[1].Value);
        return (response.StatusCode, html, response);
    }

    /// <summary>Posts the fields, with the anti-forgery token of the last form unless <paramref name="withToken"/> is false.</summary>
    public async Task<(HttpStatusCode Status, string Html, HttpResponseMessage Response)> PostAsync(string path,
        IDictionary<string, string> fields, bool withToken = true, CancellationToken ct = default)
    {
        var form = new Dictionary<string, string>(fields);
        if (withToken && FormToken is not null) form["__RequestVerificationToken"] = FormToken;
        var response = await _http.PostAsync(path, new FormUrlEncodedContent(form), ct);
        var html = await response.Content.ReadAsStringAsync(ct);
        if (TokenField().Match(html) is { Success: true } m) FormToken = WebUtility.HtmlDecode(m.Groups[1].Value);
        return (response.StatusCode, html, response);
    }

    /// <summary>Opens the sign-in form, then posts the name and password; true when a session cookie came back.</summary>
    public async Task<bool> SignInAsync(string user, string password)
    {
        var (status, _, _) = await GetAsync("/console/sign-in");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        var (posted, _, response) = await PostAsync("/console/sign-in", new Dictionary<string, string>
        {
            ["user"] = user, ["password"] = password, ["returnUrl"] = "/console/",
        });
        var signedIn = posted == HttpStatusCode.Redirect && response.Headers.Location?.OriginalString == "/console/";
        Assert.That(signedIn || posted == HttpStatusCode.Unauthorized, Is.True, $"sign-in answered {posted}");
        return signedIn;
    }

    /// <summary>The page's text without markup, e.g. "Signed in as admin (staff)".</summary>
    public static string Text(string html) => WebUtility.HtmlDecode(Tags().Replace(html, ""));

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();
}
