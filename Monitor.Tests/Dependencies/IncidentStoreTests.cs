using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Dependencies;
using Monitor.Core.Signals;
using Monitor.Core.Users;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Dependencies;
using Monitor.Worker.Storage;

namespace Monitor.Tests.Dependencies;

/// <summary>Incidents, their numbering across replicas, and signals tagged when read, on both stores.</summary>
[TestFixture(Stores.Sqlite)]
[TestFixture(Stores.Postgres)]
public sealed class IncidentStoreTests(string provider)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private StorageOptions _options = null!;
    private Database _db = null!;
    private FakeTimeProvider _time = null!;
    private IncidentRepository _store = null!;

    [SetUp]
    public async Task CreateStore()
    {
        _options = await Stores.NewAsync(provider);
        _db = new Database(Options.Create(_options));
        _time = new FakeTimeProvider(T0);
        _store = new IncidentRepository(_db);
        await new UserRepository(_db, _time).ReplaceAllAsync([U("a", "Finance", "Paris"), U("b", "Sales", "Paris"), U("c", "Sales", "Lyon")]);
    }

    [TearDown]
    public async Task DisposeStore() => await _db.DisposeAsync();

    private static User U(string id, string department, string site) =>
        new(id, $"{id}@example.com", $"User {id}", department, site, null, Rank.IndividualContributor, "Europe/Paris", "en-GB", true, false);

    private IncidentService Service(string mapping = "child,parent\ndepartment:Finance,mail\nmail,datacenter-A\n")
    {
        var file = Path.Combine(TestPaths.NewTempDir("sm-deps"), "deps.csv");
        File.WriteAllText(file, mapping);
        return new IncidentService(_store, new DependencyMapping(Options.Create(new DependenciesOptions { MappingFile = file })), _time,
            NullLogger<IncidentService>.Instance);
    }

    [Test]
    public async Task Incidents_are_numbered_listed_open_first_and_resolved_once()
    {
        var (first, created) = await _store.OpenAsync("mail", "Mail down", Incident.Staff, null, T0, "it-lead", default);
        Assert.That((first.Id, created), Is.EqualTo((1L, true)));
        var (second, _) = await _store.OpenAsync("site:Paris", "WAN Paris", Incident.Staff, null, T0.AddMinutes(1), "it-lead", default);
        Assert.That(second.Id, Is.EqualTo(2));
        Assert.That(await _store.ResolveAsync(1, T0.AddHours(1), "it-lead", default), Is.True);
        Assert.That(await _store.ResolveAsync(1, T0.AddHours(2), "someone", default), Is.False);
        Assert.That(await _store.ResolveAsync(9, T0.AddHours(2), "someone", default), Is.False);

        Assert.That((await _store.OpenIncidentsAsync(default)).Select(i => i.Id), Is.EqualTo(new[] { 2L }));
        Assert.That((await _store.ListAsync(10, default)).Select(i => i.Id), Is.EqualTo(new[] { 2L, 1L }));
        var resolved = await _store.FindAsync(1, default);
        Assert.That((resolved!.ResolvedAt, resolved.ResolvedBy), Is.EqualTo(((DateTimeOffset?)T0.AddHours(1), "it-lead")));
    }

    [Test]
    public async Task A_ticket_is_one_incident_whichever_replica_reads_it_and_numbers_never_clash()
    {
        // Two replicas: two Database instances on the same store, opening at the same time.
        await using var other = new Database(Options.Create(_options));
        var replicas = new[] { _store, new IncidentRepository(other) };
        var opened = await Task.WhenAll(Enumerable.Range(0, 8).Select(n =>
            replicas[n % 2].OpenAsync("mail", $"staff {n}", Incident.Staff, null, T0, "it", default)));
        Assert.That(opened.Select(o => o.Incident.Id).Distinct().Count(), Is.EqualTo(8));

        var ticket = await Task.WhenAll(replicas.Select(r => r.OpenAsync("mail", "INC0010001", "servicenow", "INC0010001", T0, "servicenow", default)));
        Assert.That(ticket.Select(t => t.Incident.Id).Distinct().Count(), Is.EqualTo(1));
        Assert.That(ticket.Count(t => t.Created), Is.EqualTo(1));
        Assert.That(await replicas[1].ResolveExternalAsync("servicenow", "INC0010001", T0.AddHours(1), "servicenow", default), Is.True);
        Assert.That((await _store.FindAsync(ticket[0].Incident.Id, default))!.Open, Is.False);
    }

    [Test]
    public async Task A_declared_parent_must_be_known_and_signals_are_tagged_with_the_incident_open_when_they_were_observed()
    {
        var service = Service();
        Assert.That((await service.DeclareAsync("mal", "typo", "it", default)).Problem, Does.Contain("parent 'mal'"));
        Assert.That((await service.DeclareAsync("mail", "", "it", default)).Problem, Does.Contain("title is required"));
        Assert.That((await service.KnownParentsAsync(default)), Is.SupersetOf(new[] { "site:Paris", "site:Lyon", "department:Sales", "mail", "datacenter-A" }));

        var (incident, problem) = await service.DeclareAsync("datacenter-A", "Power cut in datacenter A", "it", default);
        Assert.That(problem, Is.Null);
        Assert.That(await service.UsersUnderAsync("datacenter-A", default), Is.EqualTo(new[] { "a" }));

        var signals = new SignalRepository(_db, _time);
        await signals.WriteAsync([
            new Signal("a", SignalKinds.Touchpoint, -0.5, 1, T0.AddMinutes(-10), "before", null),
            new Signal("a", SignalKinds.Touchpoint, -1.0, 1, T0.AddMinutes(30), "during", null),
            new Signal("b", SignalKinds.Touchpoint, -1.0, 1, T0.AddMinutes(30), "not-under", null),
        ], default);
        _time.Advance(TimeSpan.FromHours(1));
        await _store.ResolveAsync(incident!.Id, _time.GetUtcNow(), "it", default);
        await signals.WriteAsync([new Signal("a", SignalKinds.Touchpoint, 0.5, 1, _time.GetUtcNow().AddMinutes(1), "after", null)], default);
        _time.Advance(TimeSpan.FromMinutes(5));

        var tagged = await service.TaggedSignalsAsync("a", T0.AddDays(-1), default);
        Assert.That(tagged!.Select(s => (s.Source, s.Incident?.Id)),
            Is.EqualTo(new (string, long?)[] { ("before", null), ("during", incident.Id), ("after", null) }));
        Assert.That((await service.TaggedSignalsAsync("b", T0.AddDays(-1), default))!.Single().Incident, Is.Null);
        Assert.That(await service.TaggedSignalsAsync("nobody", T0.AddDays(-1), default), Is.Null);
    }
}
