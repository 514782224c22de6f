using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Actions;
using Monitor.Core.Pulses;
using Monitor.Core.Signals;
using Monitor.Core.Users;
using Monitor.Probes.Pulse;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Actions;
using Monitor.Worker.Pulse;
using Monitor.Worker.Storage;

namespace Monitor.Tests.Actions;

/// <summary>Actions, links, notes and follow-ups on both stores, each on a fresh, migrated database.</summary>
[TestFixture(Stores.Sqlite)]
[TestFixture(Stores.Postgres)]
public sealed class ActionStoreTests(string provider)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private Database _db = null!;
    private FakeTimeProvider _time = null!;
    private ActionRepository _actions = null!;
    private SignalRepository _signals = null!;
    private UserRepository _users = null!;
    private PulseRepository _pulses = null!;

    [SetUp]
    public async Task CreateStore()
    {
        _db = await Stores.NewDatabaseAsync(provider);
        _time = new FakeTimeProvider(T0);
        _actions = new ActionRepository(_db);
        _signals = new SignalRepository(_db, _time);
        _users = new UserRepository(_db, _time);
        _pulses = new PulseRepository(_db);
        await _users.ReplaceAllAsync([U("a"), U("b"), U("c", optedOut: true), U("d")]);
    }

    [TearDown]
    public async Task DisposeStore() => await _db.DisposeAsync();

    private static User U(string id, bool optedOut = false) =>
        new(id, $"{id}@example.com", $"User {id.ToUpperInvariant()}", "Finance", "Paris", null, Rank.IndividualContributor,
            "Europe/Paris", "en-GB", true, optedOut);

    private async Task<SignalRef> SayAsync(string user, string source, string? comment, double score = -0.5, DateTimeOffset? at = null)
    {
        await _signals.WriteAsync([new Signal(user, SignalKinds.Touchpoint, score, 1, at ?? _time.GetUtcNow(), source, comment)], default);
        return new SignalRef(user, SignalKinds.Touchpoint, source);
    }

    private ActionService Service() => new(_actions, _users, _pulses, Options.Create(new MailOptions()), Options.Create(new PulseOptions()),
        new ServiceCollection().BuildServiceProvider(), _time, NullLogger<ActionService>.Instance);

    [Test]
    public async Task Links_name_signals_by_their_key_unknown_ones_are_found_and_a_link_made_twice_is_one()
    {
        var wifi = await SayAsync("a", "api:1", "The wifi drops every hour");
        var a = await Service().CreateAsync("  Wi-Fi  ", "Replaced the access points", null, "alice", default);
        Assert.That(a.Title, Is.EqualTo("Wi-Fi"));
        Assert.That(a.Owner, Is.EqualTo("alice"), "the creator owns it unless someone else is named");
        var ghost = new SignalRef("a", SignalKinds.Touchpoint, "api:nope");
        Assert.That(await _actions.UnknownAsync([wifi, ghost], default), Is.EqualTo(new[] { ghost }));
        Assert.That(await _actions.LinkAsync(a.Id, [wifi, wifi], "alice", T0, default), Is.EqualTo(1));
        Assert.That(await _actions.LinkAsync(a.Id, [wifi], "bob", T0, default), Is.EqualTo(0));
        var links = await _actions.LinksAsync(a.Id, default);
        Assert.That(links.Select(l => (l.Ref, l.Comment, l.LinkedBy)), Is.EqualTo(new[] { (wifi, "The wifi drops every hour", "alice") }));
        Assert.That((await _actions.FindAsync(a.Id, default))!.Shipped, Is.False);
        Assert.That(await _actions.FindAsync(Guid.NewGuid(), default), Is.Null);
    }

    [Test]
    public async Task Comment_search_takes_percent_and_underscore_literally_ignores_case_and_shows_the_newest_fifty()
    {
        await SayAsync("a", "s1", "VPN is 100% broken", at: T0.AddHours(-3));
        await SayAsync("a", "s2", "VPN is 100 times broken", at: T0.AddHours(-2));
        await SayAsync("b", "s3", "file a_b is lost", at: T0.AddHours(-1));
        await SayAsync("b", "s4", "file aXb is lost", at: T0);
        await SayAsync("d", "s5", null);
        Assert.That((await _actions.SearchCommentsAsync("100%", default)).Select(c => c.Source), Is.EqualTo(new[] { "s1" }));
        Assert.That((await _actions.SearchCommentsAsync("a_b", default)).Select(c => c.Source), Is.EqualTo(new[] { "s3" }));
        Assert.That((await _actions.SearchCommentsAsync("vpn", default)).Select(c => c.Source), Is.EqualTo(new[] { "s2", "s1" }));
        Assert.That(await _actions.SearchCommentsAsync("'; DROP TABLE signals; --", default), Is.Empty);

        for (var i = 0; i < 60; i++) await SayAsync("d", $"bulk{i}", $"printer jam {i}", at: T0.AddMinutes(i));
        var found = await _actions.SearchCommentsAsync("printer", default);
        Assert.That(found, Has.Count.EqualTo(ActionRepository.CommentLimit));
        Assert.That(found[0].Comment, Is.EqualTo("printer jam 59"));
        Assert.That((await _actions.CommentsOfAsync("b", default)).Select(c => c.Source), Is.EqualTo(new[] { "s4", "s3" }));
    }

    [Test]
    public async Task Shipping_tells_each_person_once_in_their_own_words_and_never_someone_who_unsubscribed()
    {
        var fromA = await SayAsync("a", "a1", "Laptops take ages to boot", at: T0.AddDays(-10));
        var fromA2 = await SayAsync("a", "a2", "Still slow!", at: T0.AddDays(-2));
        var fromB = await SayAsync("b", "b1", "Boot is so slow I make coffee", at: T0.AddDays(-5));
        var fromC = await SayAsync("c", "c1", "Slow boot", at: T0.AddDays(-4));
        var service = Service();
        var a = await service.CreateAsync("Faster boot", "Replaced the disk encryption agent", "it-ops", "alice", default);
        await _actions.LinkAsync(a.Id, [fromA, fromA2, fromB, fromC], "alice", T0, default);
        _time.Advance(TimeSpan.FromHours(1));

        Assert.That(await service.ShipAsync(a.Id, notify: true, "alice", default), Is.EqualTo((ActionService.ShipOutcome.Shipped, 2)));
        Assert.That(await service.ShipAsync(a.Id, notify: true, "bob", default), Is.EqualTo((ActionService.ShipOutcome.AlreadyShipped, 0)));
        Assert.That((await service.ShipAsync(Guid.NewGuid(), true, "bob", default)).Outcome,
            Is.EqualTo(ActionService.ShipOutcome.NotFound));

        await using var c = await _db.OpenAsync();
        var queued = (await c.QueryAsync<(string Recipient, string Message)>(
            "SELECT recipient, message FROM outbox ORDER BY recipient")).ToList();
        Assert.That(queued.Select(q => q.Recipient), Is.EqualTo(new[] { "a@example.com", "b@example.com" }));
        var toA = PulseMail.Parse(queued[0].Message);
        Assert.That(toA.Subject, Is.EqualTo("You said, we did: Faster boot"));
        Assert.That(toA.TextBody, Does.Contain("You told us: «Still slow!».").And.Contain("We replaced the disk encryption agent."));
        Assert.That(toA.TextBody, Does.Not.Contain("coffee"), "nobody reads another person's words");
        Assert.That(PulseMail.Parse(queued[1].Message).TextBody,
            Does.Contain("«Boot is so slow I make coffee»").And.Not.Contain("Still slow"));
        Assert.That(await _actions.NotifiedAsync(a.Id, default), Is.EqualTo(new[] { "a", "b" }));
        var shipped = (await _actions.FindAsync(a.Id, default))!;
        Assert.That((shipped.ShippedAt, shipped.ShippedBy, shipped.Notify), Is.EqualTo((T0.AddHours(1), "alice", true)));
        Assert.That(await _actions.FirstFeedbackAtAsync(a.Id, default), Is.EqualTo(T0.AddDays(-10)));
    }

    [Test]
    public async Task A_follow_up_is_due_after_the_delay_claimed_once_and_its_answers_are_reported_against_the_action()
    {
        var fromA = await SayAsync("a", "a1", "Printer jams");
        var fromB = await SayAsync("b", "b1", "Printer jams too");
        var service = Service();
        var a = await service.CreateAsync("New printer", "Bought a new printer", null, "alice", default);
        await _actions.LinkAsync(a.Id, [fromA, fromB], "alice", T0, default);
        await service.ShipAsync(a.Id, true, "alice", default);
        Assert.That(await _actions.FollowUpsDueAsync(T0.AddSeconds(-1), 10, default), Is.Empty, "not before the delay");
        var due = await _actions.FollowUpsDueAsync(T0, 10, default);
        Assert.That(due.Select(d => (d.UserId, d.Title)).Order(), Is.EqualTo(new[] { ("a", "New printer"), ("b", "New printer") }));
        Assert.That(await _actions.ClaimFollowUpAsync(a.Id, "a", T0, default), Is.True);
        Assert.That(await _actions.ClaimFollowUpAsync(a.Id, "a", T0, default), Is.False, "another replica took it");
        Assert.That((await _actions.FollowUpsDueAsync(T0, 10, default)).Select(d => d.UserId), Is.EqualTo(new[] { "b" }));

        var pulse = new PulseRecord(Guid.CreateVersion7(), "a", "default", ActionPulseReasons.FollowUp, T0, T0.AddDays(7));
        await _pulses.CreateManyAsync([new NewPulse(pulse, "email", "a@example.com", "msg")], default);
        await _actions.SetFollowUpPulseAsync(a.Id, "a", pulse.Id, default);
        Assert.That(await _actions.FollowUpResultsAsync(a.Id, default), Has.Property("Sent").EqualTo(1).And.Property("Scores").Empty);
        await _signals.WriteAsync([new Signal("a", SignalKinds.PulseAnswer, 0.5, 1, T0, PulseService.PulseSource(pulse.Id, 0))], default);
        await _pulses.MarkAnsweredAsync(pulse.Id, T0, default);
        var results = await _actions.FollowUpResultsAsync(a.Id, default);
        Assert.That(results.Scores, Is.EqualTo(new[] { 0.5 }));
        Assert.That(ActionsApi.Faces(results.Scores)["happy"], Is.EqualTo(1));
    }

    [Test]
    public async Task The_metric_figures_count_open_and_shipped_actions_and_old_negative_feedback_nobody_answered()
    {
        Assert.That(await _actions.CountsAsync(default), Is.EqualTo((0L, 0L, (DateTimeOffset?)null)));
        var old = await SayAsync("a", "old", "Awful", -1, T0.AddDays(-70));
        await SayAsync("a", "old2", "Bad too", -0.5, T0.AddDays(-65));
        await SayAsync("b", "recent", "Bad", -1, T0.AddDays(-10));
        await SayAsync("b", "happy", "Great", 1, T0.AddDays(-70));
        await SayAsync("d", "silent", null, -1, T0.AddDays(-70));
        await SayAsync("d", "ancient", "Outside the window", -1, T0.AddDays(-100));
        var window = T0.AddDays(-90);
        Assert.That(await _actions.FeedbackWithoutActionAsync(window, T0.AddDays(-60), default), Is.EqualTo(2));
        var service = Service();
        var a = await service.CreateAsync("Fix", "Fixed it", null, "alice", default);
        await service.CreateAsync("Other", "Pending", null, "alice", default);
        await _actions.LinkAsync(a.Id, [old], "alice", T0, default);
        Assert.That(await _actions.FeedbackWithoutActionAsync(window, T0.AddDays(-60), default), Is.EqualTo(1));
        await service.ShipAsync(a.Id, false, "alice", default);
        Assert.That(await _actions.CountsAsync(default), Is.EqualTo((1L, 1L, (DateTimeOffset?)T0)));
        Assert.That(await _actions.NotifiedAsync(a.Id, default), Is.Empty, "shipped without telling anyone");
    }
}
