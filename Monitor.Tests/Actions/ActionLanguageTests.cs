using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Actions;
using Monitor.Core.Signals;
using Monitor.Core.Users;
using Monitor.Probes.Pulse;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Actions;
using Monitor.Worker.Pulse;
using Monitor.Worker.Storage;

namespace Monitor.Tests.Actions;

/// <summary>The "you said, we did" note in each person's language, with dates in their culture, on both stores.</summary>
[TestFixture(Stores.Sqlite)]
[TestFixture(Stores.Postgres)]
public sealed class ActionLanguageTests(string provider)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero); // a Monday
    private static readonly DateTimeOffset AskAt = T0.AddDays(14);                          // Monday 7 December 2026

    private static User U(string id, string locale, string timeZone = "Europe/Paris") =>
        new(id, $"{id}@example.com", $"User {id}", "Finance", "Paris", null, Rank.IndividualContributor, timeZone, locale, true, false);

    private static LocalizedNote Note(string locale, string? comment = "Still slow!") =>
        NotificationTexts.YouSaidWeDid(PulseTexts.Default, U("x", locale), comment, "Faster boot", "Replaced the disk encryption agent",
            AskAt);

    [Test]
    public void French_by_the_directory_locale_with_the_date_in_french()
    {
        var note = Note("fr-FR");
        Assert.That(note.Subject, Is.EqualTo("Vous l’avez dit, nous l’avons fait : Faster boot"));
        Assert.That(note.Paragraphs, Is.EqualTo(new[]
        {
            "Bonjour User x,",
            "Vous nous avez dit : « Still slow! ».",
            "Voici ce que nous avons fait : Replaced the disk encryption agent.",
            "Merci de nous l’avoir dit. Le lundi 7 décembre 2026, nous vous demanderons si cela a aidé.",
        }));
        Assert.That(Note("fr-CA").Subject, Does.StartWith("Vous l’avez dit"), "parent culture");
    }

    [TestCase("de-AT", "Sie haben es gesagt, wir haben es getan: Faster boot", "Am Montag, 7. Dezember 2026 fragen wir Sie")]
    [TestCase("es-MX", "Usted lo dijo, nosotros lo hicimos: Faster boot", "El lunes, 7 de diciembre de 2026 le preguntaremos")]
    [TestCase("en-US", "You said, we did: Faster boot", "On Monday, December 7, 2026 we will ask you")]
    [TestCase("ja-JP", "You said, we did: Faster boot", "On Monday, December 7, 2026 we will ask you")]
    [TestCase("", "You said, we did: Faster boot", "On Monday, December 7, 2026 we will ask you")]
    public void Other_languages_fall_back_by_parent_culture_then_to_english(string locale, string subject, string asked)
    {
        var note = Note(locale);
        Assert.That(note.Subject, Is.EqualTo(subject));
        Assert.That(note.Paragraphs[^1], Does.Contain(asked));
    }

    [Test]
    public void English_keeps_its_sentence_and_a_person_without_a_comment_is_not_quoted()
    {
        var note = Note("en-GB", comment: null);
        Assert.That(note.Paragraphs[1], Is.EqualTo("You told us how IT was working for you."));
        Assert.That(note.Paragraphs[2], Is.EqualTo("We replaced the disk encryption agent."));
        Assert.That(Note("de-DE", comment: null).Paragraphs[1], Is.EqualTo("Sie haben uns gesagt, wie die IT für Sie funktioniert."));
        var long_ = Note("fr-FR", comment: new string('a', 400)).Paragraphs[1];
        Assert.That(long_, Does.Contain(new string('a', NotificationTexts.QuoteLength) + "…"));
    }

    [Test]
    public async Task Shipping_mails_each_person_in_their_language_with_the_follow_up_date_of_the_settings()
    {
        await using var db = await Stores.NewDatabaseAsync(provider);
        var time = new FakeTimeProvider(T0);
        var actions = new ActionRepository(db);
        var signals = new SignalRepository(db, time);
        var users = new UserRepository(db, time);
        await users.ReplaceAllAsync([U("fr", "fr-FR"), U("es", "es-ES", "America/Mexico_City"), U("en", "en-GB")]);
        var refs = new List<SignalRef>();
        foreach (var (id, said) in new[] { ("fr", "Le démarrage est lent"), ("es", "El arranque es lento"), ("en", "Boot is slow") })
        {
            await signals.WriteAsync([new Signal(id, SignalKinds.Touchpoint, -0.5, 1, T0.AddDays(-1), "s", said)], default);
            refs.Add(new SignalRef(id, SignalKinds.Touchpoint, "s"));
        }
        var settings = new ServiceCollection().AddSingleton(Options.Create(new ActionsOptions { FollowUpAfter = TimeSpan.FromDays(21) }))
            .BuildServiceProvider();
        var service = new ActionService(actions, users, new PulseRepository(db), Options.Create(new MailOptions()),
            Options.Create(new PulseOptions()), settings, time, NullLogger<ActionService>.Instance);
        var a = await service.CreateAsync("Faster boot", "Replaced the disk encryption agent", null, "alice", default);
        await actions.LinkAsync(a.Id, refs, "alice", T0, default);
        Assert.That(await service.ShipAsync(a.Id, notify: true, "alice", default), Is.EqualTo((ActionService.ShipOutcome.Shipped, 3)));

        await using var c = await db.OpenAsync();
        var mail = (await c.QueryAsync<(string Recipient, string Message)>("SELECT recipient, message FROM outbox"))
            .ToDictionary(m => m.Recipient, m => PulseMail.Parse(m.Message));
        Assert.That(mail["fr@example.com"].Subject, Is.EqualTo("Vous l’avez dit, nous l’avons fait : Faster boot"));
        Assert.That(mail["fr@example.com"].TextBody, Does.Contain("Vous nous avez dit : « Le démarrage est lent ».")
            .And.Contain("Le lundi 14 décembre 2026, nous vous demanderons").And.Not.Contain("lento"));
        Assert.That(mail["es@example.com"].Subject, Is.EqualTo("Usted lo dijo, nosotros lo hicimos: Faster boot"));
        Assert.That(mail["es@example.com"].TextBody, Does.Contain("Usted nos dijo: «El arranque es lento».")
            .And.Contain("El lunes, 14 de diciembre de 2026"));
        Assert.That(mail["en@example.com"].TextBody, Does.Contain("You told us: «Boot is slow».")
            .And.Contain("We replaced the disk encryption agent.").And.Contain("14 December 2026 we will ask you"));
    }
}
