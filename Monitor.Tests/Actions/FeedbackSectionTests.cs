using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Actions;
using Monitor.Core.Signals;
using Monitor.Core.Users;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Actions;
using Monitor.Worker.StaffConsole;
using Monitor.Worker.Storage;

namespace Monitor.Tests.Actions;

/// <summary>The "Feedback" section of a user's console page, rendered directly (the page itself is another feature's).</summary>
public sealed class FeedbackSectionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task It_lists_the_persons_comments_encoded_with_a_checkbox_each_and_a_form_with_the_token_and_the_actions()
    {
        await using var db = await Stores.NewDatabaseAsync(Stores.Sqlite);
        var time = new FakeTimeProvider(T0);
        var signals = new SignalRepository(db, time);
        var store = new ActionRepository(db);
        await signals.WriteAsync([
            new Signal("u1", SignalKinds.Touchpoint, -1, 1, T0.AddDays(-1), "api:1", "<script>alert(1)</script> wifi"),
            new Signal("u1", SignalKinds.Touchpoint, -1, 1, T0, "api:2", null),
            new Signal("u2", SignalKinds.Touchpoint, -1, 1, T0, "api:3", "someone else's words"),
        ], default);
        var user = new User("u1", "u1@example.com", "Una", "Finance", "Paris", null, Rank.IndividualContributor, "UTC", "en-GB",
            true, false);
        var tokens = new AntiforgeryTokenSet("request-token", "cookie", "__RequestVerificationToken", null);
        const string field = "<input type=\"hidden\" name=\"t\" value=\"x\">";
        var page = new UserPageContext(user, new Actor("alice", ConsoleRoles.Staff), tokens, field);
        var section = new FeedbackSection(store);

        var before = await section.RenderAsync(page, default);
        Assert.That(before, Does.Contain("create one").And.Not.Contain("<select"), "nothing to link to yet");

        await store.CreateAsync(new ActionRecord(Guid.CreateVersion7(), "Wi-Fi & <b>", "Fixed", "it", "alice", T0), default);
        var html = await section.RenderAsync(page, default);
        Assert.That(html, Does.Contain("<form method=\"post\" action=\"/console/actions/link\">" + field));
        Assert.That(html, Does.Contain("name=\"signal\" value=\"u1/touchpoint/api:1\""));
        Assert.That(html, Does.Not.Contain("<script>").And.Contain("&lt;script&gt;"), "encoded");
        Assert.That(html, Does.Not.Contain("api:2"), "only signals that carry a comment");
        Assert.That(html, Does.Not.Contain("someone else"), "only this person's feedback");
        Assert.That(html, Does.Contain("Wi-Fi &amp; &lt;b&gt;").And.Contain("<select id=\"feedback-action\" name=\"action\">"));
    }
}
