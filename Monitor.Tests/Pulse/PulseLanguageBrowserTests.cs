using System.Text.Json;
using Microsoft.Playwright;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Pulse;

/// <summary>Every shipped language in Chromium against the real worker, and the thank-you page's factor and lost time.</summary>
[NonParallelizable]
[TestFixture(Stores.Sqlite)]
[TestFixture(Stores.Postgres)]
public sealed class PulseLanguageBrowserTests(string provider)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    // user → (locale, lang shown, "Send", "Thank you!", "Very unhappy", a bad factor's label, "A few hours")
    private static readonly (string User, string Locale, string Lang, string Send, string Thanks, string VeryUnhappy, string Network,
        string FewHours)[] People =
    [
        ("p1", "fr-FR", "fr-FR", "Envoyer", "Merci !", "Très mécontent", "Réseau", "Quelques heures"),
        ("p2", "de-DE", "de-DE", "Senden", "Vielen Dank!", "Sehr unzufrieden", "Netzwerk", "Einige Stunden"),
        ("p3", "es-MX", "es-MX", "Enviar", "¡Gracias!", "Muy insatisfecho", "Red", "Unas horas"),
        ("p4", "ar-EG", "en", "Send", "Thank you!", "Very unhappy", "Network", "A few hours"),
    ];

    [Test]
    public async Task Each_person_reads_the_pages_in_their_language_and_their_factor_and_lost_time_are_kept()
    {
        using var sink = await SmtpSink.StartAsync();
        await using var world = await PulseWorld.StartAsync(provider, sink, locales: People.ToDictionary(p => p.User, p => p.Locale),
            settings: new Dictionary<string, string> { ["Metrics:RefreshInterval"] = "00:00:01", ["Privacy:MinGroupSize"] = "2" });
        using var playwright = await Playwright.CreateAsync();
        await world.DispatchAsync();
        var messages = await sink.WaitForAsync(PulseWorld.DueUsers.Length, Wait);
        await Task.Delay(TimeSpan.FromSeconds(3.5)); // a person opens the mail a while after it arrived
        await using var automated = await Browsers.LaunchAsync(playwright, likeAPerson: false);
        await using var person = await Browsers.LaunchAsync(playwright, likeAPerson: true);

        foreach (var p in People)
        {
            var message = messages.Single(m => PulseWorld.Recipient(m) == $"{p.User}@example.com");
            var link = PulseWorld.AnswerLinks(message)[0];

            // The landing page in an automated browser (which never submits by itself).
            var landing = await automated.NewPageAsync();
            await landing.GotoAsync(link);
            Assert.That(await landing.GetAttributeAsync("html", "lang"), Is.EqualTo(p.Lang), p.User);
            Assert.That(await landing.GetAttributeAsync("html", "dir"), Is.EqualTo("ltr"), p.User);
            Assert.That(await landing.InnerTextAsync("button[type=submit]"), Is.EqualTo(p.Send), p.User);

            // The person's click: recorded, thanked in their language, asked why and how much time it cost.
            var page = await person.NewPageAsync();
            await page.GotoAsync(link);
            await page.WaitForSelectorAsync("#recorded", new() { Timeout = 15_000 });
            Assert.That(await page.InnerTextAsync("h1"), Is.EqualTo(p.Thanks), p.User);
            Assert.That(await page.InnerTextAsync("#recorded"), Does.Contain(p.VeryUnhappy), p.User);
            Assert.That(await page.InnerTextAsync("#factors"), Does.Contain(p.Network), p.User);
            Assert.That(await page.InnerTextAsync("#lost"), Does.Contain(p.FewHours), p.User);
            Assert.That(await page.InnerTextAsync("title"), Is.EqualTo(p.Thanks), p.User);
        }

        // p1 says why and how much time it cost; the factor of the bad answer leads the signal's comment.
        var p1 = await person.NewPageAsync();
        var p1Link = PulseWorld.AnswerLinks(messages.Single(m => PulseWorld.Recipient(m) == "p1@example.com"))[0];
        await p1.GotoAsync(p1Link);
        await p1.WaitForSelectorAsync("#recorded", new() { Timeout = 15_000 });
        await p1.CheckAsync("input[name=factor][value=network]");
        await p1.CheckAsync("input[name=lost][value=few_hours]");
        await p1.FillAsync("textarea[name=comment]", "VPN lent");
        await p1.ClickAsync("button[type=submit]");
        await p1.WaitForSelectorAsync("#comment");
        Assert.That(Comment(await world.PulseAnswersAsync("p1")), Is.EqualTo("[network] VPN lent"));

        // A factor nobody offered is refused with a 400 page that keeps what was typed; nothing changes.
        await p1.EvaluateAsync("() => { const r = document.querySelector('input[name=factor][value=devices]'); r.value = 'bogus'; r.checked = true; }");
        await p1.FillAsync("textarea[name=comment]", "autre chose");
        var refused = await p1.RunAndWaitForResponseAsync(() => p1.ClickAsync("button[type=submit]"), "**/p/respond");
        Assert.That(refused.Status, Is.EqualTo(400));
        await p1.WaitForSelectorAsync("#error");
        Assert.That(await p1.InnerTextAsync("#error"), Does.Contain("rien n’a été modifié"));
        Assert.That(await p1.InputValueAsync("textarea[name=comment]"), Is.EqualTo("autre chose"));
        Assert.That(Comment(await world.PulseAnswersAsync("p1")), Is.EqualTo("[network] VPN lent"));

        // Stored: the thank-you page of a later click shows the saved choices.
        await p1.GotoAsync(p1Link);
        await p1.WaitForSelectorAsync("#recorded", new() { Timeout = 15_000 });
        Assert.That(await p1.IsCheckedAsync("input[name=factor][value=network]"), Is.True);
        Assert.That(await p1.IsCheckedAsync("input[name=lost][value=few_hours]"), Is.True);

        // p2, in the same department and site, says how much time it cost too: two respondents, the smallest group shown.
        var p2 = await person.NewPageAsync();
        await p2.GotoAsync(PulseWorld.AnswerLinks(messages.Single(m => PulseWorld.Recipient(m) == "p2@example.com"))[0]);
        await p2.WaitForSelectorAsync("#recorded", new() { Timeout = 15_000 });
        await p2.CheckAsync("input[name=lost][value=under_hour]");
        var saved = await p2.RunAndWaitForResponseAsync(() => p2.ClickAsync("button[type=submit]"), "**/p/respond");
        Assert.That(saved.Status, Is.EqualTo(200));

        // Counted on the board: the factor by side, the lost time by group (p1 and p2 are in Finance, in Paris).
        await MetricsAsync(world, "satisfaction_pulse_factor_answers{factor=\"network\",sentiment=\"bad\"} 1",
            "satisfaction_pulse_factor_answers{factor=\"speed\",sentiment=\"good\"} 0",
            "satisfaction_group_lost_time_answers{group_type=\"department\",group=\"Finance\",lost_time=\"few_hours\"} 1",
            "satisfaction_group_lost_time_answers{group_type=\"site\",group=\"Paris\",lost_time=\"none\"} 0");

        // The unsubscribe page too, with the date in the person's format.
        var unsubscribe = PulseWorld.Links(messages.Single(m => PulseWorld.Recipient(m) == "p2@example.com"))
            .Single(l => l.Contains("/u/", StringComparison.Ordinal));
        var u = await person.NewPageAsync();
        await u.GotoAsync(unsubscribe);
        Assert.That(await u.InnerTextAsync("button"), Is.EqualTo("Abmelden"));
        await u.ClickAsync("button");
        await u.WaitForSelectorAsync("text=Sie sind abgemeldet");
        Assert.That(await u.InnerTextAsync("p"), Does.Match(@"Seit \w+, \d{1,2}\. \w+ \d{4}"));
    }

    private static async Task MetricsAsync(PulseWorld world, params string[] lines)
    {
        var until = DateTime.UtcNow + Wait;
        string metrics;
        do
        {
            metrics = await world.Worker.MetricsAsync();
            if (lines.All(l => metrics.Contains(l, StringComparison.Ordinal))) return;
            await Task.Delay(300);
        }
        while (DateTime.UtcNow < until);
        Assert.Fail($"missing one of {string.Join(" | ", lines)} in\n{metrics}");
    }

    private static string? Comment(JsonElement[] answers) => answers.Single().GetProperty("comment").GetString();
}
