using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Console;

/// <summary>
/// Every console form checks its anti-forgery token, also the two buttons that bind no form field (resolving an incident,
/// cancelling a downtime): with the session cookie alone, another page could make a signed-in person's browser post them.
/// </summary>
public sealed class ConsoleAntiforgeryTests
{
    [Test]
    public async Task Resolving_an_incident_and_ending_a_downtime_need_the_forms_token()
    {
        await using var worker = await WorkerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Console:LocalAccount:Password"] = "antiforgery-password-1",
        });
        using var incident = await worker.Admin.PostAsJsonAsync("/api/incidents", new { parent = "department:Finance", title = "mail" });
        Assert.That(incident.StatusCode, Is.EqualTo(HttpStatusCode.Created).Or.EqualTo(HttpStatusCode.OK),
            await incident.Content.ReadAsStringAsync());
        var incidentId = JsonDocument.Parse(await incident.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
        var now = DateTimeOffset.UtcNow;
        using var downtime = await worker.Admin.PostAsJsonAsync("/api/downtimes", new
        {
            users = new[] { "u001" }, from = now.AddHours(1), until = now.AddHours(3), reason = "leave",
        });
        Assert.That(downtime.IsSuccessStatusCode, Is.True, await downtime.Content.ReadAsStringAsync());
        var downtimeId = JsonDocument.Parse(await downtime.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();

        using var person = new ConsoleClient(worker.InternalUrl);
        Assert.That(await person.SignInAsync("admin", "antiforgery-password-1"), Is.True);
        var resolve = $"/console/incidents/{incidentId}/resolve";
        var end = $"/console/downtimes/{downtimeId}/end";

        // The session cookie alone, as a cross-site form would send it: refused, nothing changed.
        Assert.That((await person.PostAsync(resolve, new Dictionary<string, string>(), withToken: false)).Status,
            Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await person.PostAsync(end, new Dictionary<string, string>(), withToken: false)).Status,
            Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await worker.Admin.GetStringAsync($"/api/incidents/{incidentId}"), Does.Contain("\"open\":true"));
        using (var still = await worker.Admin.GetAsync($"/api/downtimes/{downtimeId}"))
            Assert.That(still.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the downtime is still there");

        // The buttons of the pages, with their token: done.
        await person.GetAsync($"/console/incidents/{incidentId}");
        Assert.That((await person.PostAsync(resolve, new Dictionary<string, string>())).Status, Is.EqualTo(HttpStatusCode.Redirect));
        await person.GetAsync("/console/downtimes");
        Assert.That((await person.PostAsync(end, new Dictionary<string, string>())).Status, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(await worker.Admin.GetStringAsync($"/api/incidents/{incidentId}"), Does.Contain("\"open\":false"));
    }
}
