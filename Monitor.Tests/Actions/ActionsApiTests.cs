using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Monitor.Tests.Console;

namespace Monitor.Tests.Actions;

/// <summary>The admin API of actions against the real worker: created, linked, shipped once, and the clear 4xx of bad input.</summary>
[NonParallelizable]
public sealed class ActionsApiTests
{
    private ActionWorld _world = null!;

    [OneTimeSetUp]
    public async Task Start() => _world = await ActionWorld.StartAsync();

    [OneTimeTearDown]
    public async Task Stop() => await _world.DisposeAsync();

    private Task<HttpResponseMessage> PostAsync(string path, object body) => _world.Worker.Admin.PostAsJsonAsync(path, body);

    private static async Task<string> Detail(HttpResponseMessage r) =>
        (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;

    [Test]
    public async Task Bad_input_gets_a_clear_4xx_that_names_the_problem()
    {
        using var noTitle = await PostAsync("/api/actions", new { description = "x" });
        Assert.That(noTitle.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await Detail(noTitle), Does.Contain("title is required"));

        using var unknown = await PostAsync("/api/actions",
            new
            {
                title = "t", description = "d",
                signals = new object[] { "x1/touchpoint/api:nothing", new { user = "x1", kind = "pulse_answer", source = "pulse:1" } },
            });
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await Detail(unknown), Does.Contain("x1/touchpoint/api:nothing").And.Contain("x1/pulse_answer/pulse:1"));

        using var malformed = await PostAsync("/api/actions",
            new { title = "t", description = "d", signals = new object[] { "just-a-word", 3 } });
        Assert.That(malformed.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await Detail(malformed), Does.Contain("just-a-word"));

        using var notJson = await _world.Worker.Admin.PostAsync("/api/actions",
            new StringContent("{", System.Text.Encoding.UTF8, "application/json"));
        Assert.That(notJson.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));

        Assert.That((await _world.Worker.Admin.GetAsync($"/api/actions/{Guid.NewGuid()}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await _world.Worker.Admin.GetAsync("/api/actions/not-an-id")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        using var shipNothing = await PostAsync($"/api/actions/{Guid.NewGuid()}/ship", new { notify = true });
        Assert.That(shipNothing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await _world.Worker.Admin.GetAsync("/api/comments?q=")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await _world.Worker.Http.GetAsync("/api/actions")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized),
            "no key, nothing");
    }

    [Test]
    public async Task An_action_links_signals_given_either_way_ships_once_and_tells_the_person_once()
    {
        var first = await _world.SayAsync("x1", "Teams 100% freezes on calls");
        var second = await _world.SayAsync("x1", "Teams 100 times slower", score: -1);
        var source = first.Split('/', 3)[2];
        using var created = await PostAsync("/api/actions", new
        {
            title = "Teams fix", description = "Rolled out the new Teams client", by = "carol",
            signals = new object[] { new { user = "x1", kind = "touchpoint", source }, second, second },
        });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.That(created.Headers.Location?.OriginalString, Is.EqualTo($"/api/actions/{id}"));

        var action = await _world.ActionAsync(id);
        Assert.That(action.GetProperty("createdBy").GetString(), Is.EqualTo("carol"));
        Assert.That(action.GetProperty("signals").GetArrayLength(), Is.EqualTo(2), "the same signal twice is one link");
        Assert.That(action.TryGetProperty("shippedAt", out _), Is.False, "not shipped (nulls are left out)");

        var found = await _world.Worker.Admin.GetFromJsonAsync<JsonElement>("/api/comments?q=100%25");
        Assert.That(found.EnumerateArray().Select(c => c.GetProperty("comment").GetString()),
            Is.EqualTo(new[] { "Teams 100% freezes on calls" }));
        var listed = await _world.Worker.Admin.GetFromJsonAsync<JsonElement>("/api/actions");
        Assert.That(listed.EnumerateArray().Select(a => a.GetProperty("id").GetString()), Does.Contain(id));

        using var shipped = await PostAsync($"/api/actions/{id}/ship", new { notify = true });
        Assert.That(shipped.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await shipped.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("notified").GetInt32(), Is.EqualTo(1));
        using var again = await PostAsync($"/api/actions/{id}/ship", new { notify = true });
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));

        var notes = await _world.WaitForMailAsync("You said, we did: Teams fix", 1, TimeSpan.FromSeconds(20));
        Assert.That(notes.Select(m => m.To.Mailboxes.Single().Address), Is.EqualTo(new[] { "x1@example.com" }), "one note, once");
        Assert.That(notes[0].TextBody, Does.Contain("We rolled out the new Teams client."));
        Assert.That((await _world.ActionAsync(id)).GetProperty("notified").EnumerateArray().Select(e => e.GetString()),
            Is.EqualTo(new[] { "x1" }));
    }

    [Test]
    public async Task The_console_pages_are_for_signed_in_staff_every_form_needs_its_token_and_text_is_encoded()
    {
        using var stranger = new ConsoleClient(_world.Worker.InternalUrl);
        var (status, _, response) = await stranger.GetAsync("/console/actions");
        Assert.That(status, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(response.Headers.Location?.OriginalString, Does.Contain("/console/sign-in"));

        using var person = new ConsoleClient(_world.Worker.InternalUrl);
        Assert.That(await person.SignInAsync("admin", ActionWorld.Password), Is.True);
        await person.GetAsync("/console/actions"); // the form's token belongs to the signed-in person
        var (forged, _, _) = await person.PostAsync("/console/actions",
            new Dictionary<string, string> { ["title"] = "Forged", ["description"] = "x" }, withToken: false);
        Assert.That(forged, Is.EqualTo(HttpStatusCode.BadRequest));
        var (made, _, madeResponse) = await person.PostAsync("/console/actions",
            new Dictionary<string, string> { ["title"] = "<script>alert(1)</script>", ["description"] = "Fixed it" });
        Assert.That(made, Is.EqualTo(HttpStatusCode.Redirect));
        var (list, html, _) = await person.GetAsync("/console/actions");
        Assert.That(list, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(html, Does.Not.Contain("<script>").And.Contain("&lt;script&gt;").And.Not.Contain("Forged"));
        Assert.That((await person.GetAsync($"/console/actions/{Guid.NewGuid()}")).Status, Is.EqualTo(HttpStatusCode.NotFound));
        var (noAction, _, _) = await person.PostAsync("/console/actions/link", new Dictionary<string, string> { ["signal"] = "a/b/c" });
        Assert.That(noAction, Is.EqualTo(HttpStatusCode.BadRequest));
        var (unknown, unknownHtml, _) = await person.PostAsync($"{madeResponse.Headers.Location}/links",
            new Dictionary<string, string> { ["signal"] = "x1/touchpoint/api:missing" });
        Assert.That(unknown, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(ConsoleClient.Text(unknownHtml), Does.Contain("No such feedback: x1/touchpoint/api:missing"));
    }
}
