using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Pulses;
using Monitor.Core.Users;
using Monitor.Probes.Pulse;
using Monitor.Probes.Pulse.Channels;
using Monitor.Tests.Pulse.Fakes;

namespace Monitor.Tests.Pulse;

/// <summary>The question-set seam of <see cref="PulseService"/>: a chooser (a campaign) decides per person, once per run.</summary>
public sealed class QuestionSetChooserTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Asks the value set of Finance, nothing of others; counts the runs.</summary>
    private sealed class FinanceValue : IQuestionSetChooser
    {
        public int Runs { get; private set; }

        public Task<Func<User, string?>> ForRunAsync(DateTimeOffset now, CancellationToken cancellationToken)
        {
            Runs++;
            return Task.FromResult<Func<User, string?>>(u => u.Department == "Finance" ? PulseQuestions.Value : null);
        }
    }

    private static User U(string id, string department) =>
        new(id, $"{id}@example.com", $"User {id}", department, "Paris", null, Rank.Manager, "Europe/Paris", "fr-FR", true, false);

    private static PulseOptions Settings() => new()
    {
        SigningKeys = ["chooser-test-signing-key-0123456789ab"], PublicBaseUrl = "https://p.example.com", DailySampleRate = 1,
    };

    private static PulseComposer Composer()
    {
        var o = Settings();
        return new PulseComposer(new PulseLinks(new PulseTokenCodec(o.SigningKeys), o), o);
    }

    private static (PulseService, InMemoryPulseStore, FakeChannel) Service(IQuestionSetChooser? chooser, params User[] users)
    {
        var o = Settings();
        var options = Microsoft.Extensions.Options.Options.Create(o);
        var store = new InMemoryPulseStore();
        var email = new FakeChannel("email");
        var composer = Composer();
        var service = new PulseService(store, new InMemoryUserDirectory(users), composer,
            new PulseChannels([email], options), options, new FakeTimeProvider(T0), NullLogger<PulseService>.Instance, chooser);
        return (service, store, email);
    }

    [Test]
    public async Task A_due_person_the_chooser_covers_gets_its_set_and_everyone_else_the_configured_one()
    {
        var chooser = new FinanceValue();
        var (service, store, email) = Service(chooser, U("f1", "Finance"), U("f2", "Finance"), U("s1", "Sales"));

        Assert.That(await service.DispatchAsync(default), Is.EqualTo(3));

        Assert.That(store.Pulses.ToDictionary(p => p.UserId, p => p.QuestionSet), Is.EqualTo(new Dictionary<string, string>
        {
            ["f1"] = PulseQuestions.Value, ["f2"] = PulseQuestions.Value, ["s1"] = PulseQuestions.Default,
        }));
        // Composed and rendered when sent (OutboxPulseRenderer): from the pulse row, which carries the chosen set.
        var composer = Composer();
        var users = new[] { U("f1", "Finance"), U("f2", "Finance"), U("s1", "Sales") };
        foreach (var p in store.Pulses) email.Render(composer.Compose(users.Single(u => u.Id == p.UserId), p));
        Assert.That(email.Rendered.Single(r => r.User.Id == "f1").Questions, Has.Count.EqualTo(3), "the e-mail asks the value set");
        Assert.That(email.Rendered.Single(r => r.User.Id == "s1").Questions, Has.Count.EqualTo(1));
        Assert.That(chooser.Runs, Is.EqualTo(1), "read once per dispatch, not per person");
    }

    [Test]
    public async Task A_pulse_sent_on_demand_asks_the_chosen_set_too_and_without_a_chooser_the_configured_one()
    {
        var (service, _, _) = Service(new FinanceValue(), U("f1", "Finance"));
        var created = await service.CreateAsync(U("f1", "Finance"), PulseReasons.Manual, default);
        Assert.That(created.QuestionSet, Is.EqualTo(PulseQuestions.Value));

        var (plain, _, _) = Service(null, U("f1", "Finance"));
        created = await plain.CreateAsync(U("f1", "Finance"), PulseReasons.Manual, default);
        Assert.That(created.QuestionSet, Is.EqualTo(PulseQuestions.Default));
    }
}
