using System.Net;
using System.Net.Http.Headers;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Console;

/// <summary>
/// The console changes nothing outside /console/ on the internal listener: the admin API keeps its bearer key
/// (a console session does not open it), /metrics and the health endpoints stay open, and the public listener
/// knows no console.
/// </summary>
public sealed class ConsoleBoundaryTests
{
    [Test]
    public async Task The_admin_key_metrics_and_the_public_listener_are_untouched()
    {
        await using var worker = await WorkerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Console:LocalAccount:Password"] = "boundary-password-1",
        });
        using (var r = await worker.Admin.GetAsync("/api/users"))
            Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the bearer key still opens the admin API");
        using (var r = await worker.Http.GetAsync("/api/users"))
            Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        using (var r = await worker.Http.GetAsync("/metrics"))
            Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.OK), "/metrics needs no sign-in");
        using (var r = await worker.Http.GetAsync("/healthz"))
            Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        // A signed-in person's session cookie is no key to the admin API.
        using var person = new ConsoleClient(worker.InternalUrl);
        Assert.That(await person.SignInAsync("admin", "boundary-password-1"), Is.True);
        var session = person.Cookies.GetCookies(new Uri(worker.InternalUrl, "/console/"))["monitor-console"]!;
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/api/users"))
        {
            request.Headers.Add("Cookie", $"{session.Name}={session.Value}");
            using var r = await worker.Http.SendAsync(request);
            Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }
        // The bearer key is no key to the console.
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/console/"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", WorkerProcess.ApiKey);
            using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = worker.InternalUrl };
            using var r = await noRedirect.SendAsync(request);
            Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
            Assert.That(r.Headers.Location?.AbsolutePath, Is.EqualTo("/console/sign-in"));
        }

        using var outside = new HttpClient { BaseAddress = worker.PublicUrl };
        string[] paths = ["/console/", "/console/sign-in", "/console/setup?token=x", "/console/signin-oidc", "/console/signed-out"];
        foreach (var path in paths)
        {
            using var r = await outside.GetAsync(path);
            Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), $"{path} on the public listener");
        }
        using (var r = await outside.PostAsync("/console/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
               {
                   ["user"] = "admin", ["password"] = "boundary-password-1",
               })))
        {
            Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }
    }
}
