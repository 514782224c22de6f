using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Dependencies;
using Monitor.Core.Users;
using Monitor.Probes.Tickets;
using Monitor.Tests.Infrastructure;
using Monitor.Tests.Tickets;
using Monitor.Worker.Dependencies;
using Monitor.Worker.Storage;

namespace Monitor.Tests.Dependencies;

/// <summary>
/// ServiceNow major incidents through the real connector (served by the loopback fake) into the incident store, on both
/// stores: an accepted one opens an incident on its service, a resolved one closes it, an unknown service is skipped.
/// </summary>
[TestFixture(Stores.Sqlite)]
[TestFixture(Stores.Postgres)]
[NonParallelizable]
public sealed class MajorIncidentTests(string provider)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private Database _db = null!;
    private IncidentRepository _store = null!;
    private IncidentService _service = null!;

    [SetUp]
    public async Task CreateStore()
    {
        _db = new Database(Options.Create(await Stores.NewAsync(provider)));
        var time = new FakeTimeProvider(T0);
        _store = new IncidentRepository(_db);
        await new UserRepository(_db, time).ReplaceAllAsync([new("a", "a@example.com", "User a", "Finance", "Paris", null,
            Rank.IndividualContributor, "Europe/Paris", "en-GB", true, false)]);
        var file = Path.Combine(TestPaths.NewTempDir("sm-deps"), "deps.csv");
        await File.WriteAllTextAsync(file, "child,parent\ndepartment:Finance,Email\nEmail,datacenter-A\n");
        _service = new IncidentService(_store, new DependencyMapping(Options.Create(new DependenciesOptions { MappingFile = file })),
            time, NullLogger<IncidentService>.Instance);
    }

    [TearDown]
    public async Task DisposeStore() => await _db.DisposeAsync();

    // GET /api/now/table/incident answers {"result":[...]} with the fields named in sysparm_fields; dot-walked reference
    // fields come back under their dotted names (developer.servicenow.com, REST API reference, "Table API - GET
    // /now/table/{tableName}", sysparm_fields). major_incident_state: proposed/accepted/rejected/canceled and the incident
    // states 6 Resolved, 7 Closed, 8 Canceled (servicenow.com docs, Incident Management > Managing major incidents).
    private static string Incident(string number, string state, string major, string updated, string? service, string? ci) => $$"""
        {"number":"{{number}}","short_description":"Exchange down for {{number}}","state":"{{state}}",
         "major_incident_state":"{{major}}","sys_updated_on":"{{updated}}",
         "business_service.name":"{{service ?? ""}}","cmdb_ci.name":"{{ci ?? ""}}"}
        """;

    [Test]
    public async Task An_accepted_major_incident_opens_on_its_service_and_closes_with_the_ticket()
    {
        await using var server = await FakeTicketServer.StartAsync();
        server.On("/api/now/table/incident", Reply.Json($$"""
            {"result":[
              {{Incident("INC0010001", "2", "accepted", "2026-11-23 08:00:00", "Email", "exch-01")}},
              {{Incident("INC0010002", "2", "accepted", "2026-11-23 08:10:00", "Printing", "prn-07")}},
              {{Incident("INC0010003", "1", "proposed", "2026-11-23 08:20:00", "Email", null)}},
              {{Incident("INC0010004", "2", "accepted", "2026-11-23 08:30:00", null, "datacenter-A")}}]}
            """));
        using var harness = new TicketHarness("ServiceNow", server.BaseUrl, new() { ["Username"] = "svc", ["Password"] = "pw" });
        var probe = Probe(harness);
        var refused = IncidentService.Refused.WithLabels(IncidentService.UnknownParent).Value;

        var first = await probe.RunAsync(CancellationToken.None);

        Assert.That(first.Success, Is.True, first.Message);
        Assert.That(first.Message, Does.StartWith("2 Opened, 0 AlreadyOpen, 0 Resolved, 1 NothingToResolve, 1 UnknownService"));
        var open = await _store.OpenIncidentsAsync(default);
        Assert.That(open.Select(i => (i.Parent, i.Source, i.ExternalRef, i.OpenedBy)), Is.EqualTo(new[]
        {
            ("Email", "servicenow", "INC0010001", "servicenow"),
            ("datacenter-A", "servicenow", "INC0010004", "servicenow"), // no business service: the CI is the parent
        }));
        Assert.That(open[0].Title, Is.EqualTo("Exchange down for INC0010001"));
        Assert.That(open[0].OpenedAt, Is.EqualTo(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero)));
        Assert.That(IncidentService.Refused.WithLabels(IncidentService.UnknownParent).Value, Is.EqualTo(refused + 1));
        Assert.That(await _service.UsersUnderAsync("Email", default), Is.EqualTo(new[] { "a" }));
        var query = Uri.UnescapeDataString(server.Requests.Last().PathAndQuery);
        Assert.That(query, Does.Contain("major_incident_stateISNOTEMPTY^sys_updated_on>=").And.Contain("business_service.name"));

        // Read again (overlap): nothing new. Then the ticket is resolved (state 6): the incident closes with it.
        server.On("/api/now/table/incident", Reply.Json($$"""
            {"result":[
              {{Incident("INC0010001", "2", "accepted", "2026-11-23 08:00:00", "Email", "exch-01")}},
              {{Incident("INC0010001", "6", "accepted", "2026-11-23 10:00:00", "Email", "exch-01")}}]}
            """));
        var second = await probe.RunAsync(CancellationToken.None);

        Assert.That(second.Message, Does.StartWith("0 Opened, 1 AlreadyOpen, 1 Resolved"));
        var resolved = (await _store.ListAsync(10, default)).Single(i => i.ExternalRef == "INC0010001");
        Assert.That((resolved.ResolvedAt, resolved.ResolvedBy),
            Is.EqualTo(((DateTimeOffset?)new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero), "servicenow")));
        Assert.That(harness.Watermarks.Values["major_incidents_servicenow"], Is.EqualTo("2026-11-23T10:00:00.0000000+00:00"));
        Assert.That(Uri.UnescapeDataString(server.Requests.Last().PathAndQuery), Does.Contain("sys_updated_on>=2026-11-23 08:29:00"));
    }

    [Test]
    public async Task A_canceled_or_rejected_major_incident_resolves_an_open_one_and_a_failed_read_fails_the_probe()
    {
        await using var server = await FakeTicketServer.StartAsync();
        server.On("/api/now/table/incident", Reply.Json($$"""
            {"result":[{{Incident("INC0010001", "2", "accepted", "2026-11-23 08:00:00", "Email", null)}},
                       {{Incident("INC0010001", "2", "canceled", "2026-11-23 08:05:00", "Email", null)}}]}
            """));
        using var harness = new TicketHarness("ServiceNow", server.BaseUrl, new() { ["Username"] = "svc", ["Password"] = "pw" });
        var probe = Probe(harness);

        Assert.That((await probe.RunAsync(CancellationToken.None)).Message, Does.StartWith("1 Opened, 0 AlreadyOpen, 1 Resolved"));
        Assert.That(await _store.OpenIncidentsAsync(default), Is.Empty);

        server.On("/api/now/table/incident", new Reply(401, """{"error":{"message":"User Not Authenticated"},"status":"failure"}"""));
        var failed = await probe.RunAsync(CancellationToken.None);
        Assert.That(failed.Success, Is.False);
        Assert.That(failed.Message, Does.Contain("Tickets:ServiceNow:Username"));
    }

    [Test]
    public async Task An_incident_updated_in_the_future_does_not_move_the_watermark_past_the_run()
    {
        await using var server = await FakeTicketServer.StartAsync();
        server.On("/api/now/table/incident", Reply.Json($$"""
            {"result":[{{Incident("INC0010009", "2", "accepted", "9999-12-31 00:00:00", "Email", null)}}]}
            """));
        using var harness = new TicketHarness("ServiceNow", server.BaseUrl, new() { ["Username"] = "svc", ["Password"] = "pw" });

        var result = await Probe(harness).RunAsync(CancellationToken.None);

        Assert.That(result.Success, Is.True, result.Message);
        // 9999 would make every later read ask for incidents updated after it, and read none.
        Assert.That(harness.Watermarks.Values["major_incidents_servicenow"], Is.EqualTo(ProbeNow.ToString("O")));
    }

    // The probe's clock: after every update time of the incidents above (the watermark stops at the start of a run).
    private static readonly DateTimeOffset ProbeNow = T0.AddHours(3);

    private MajorIncidentProbe Probe(TicketHarness harness) => new((IMajorIncidentSource)harness.Connector,
        new ServiceNowOptions { Overlap = TimeSpan.FromMinutes(1), InitialLookback = TimeSpan.FromDays(3650) },
        new TicketIncidentSink(_store, _service, NullLogger<TicketIncidentSink>.Instance), harness.Watermarks,
        NullLogger<MajorIncidentProbe>.Instance, new FakeTimeProvider(ProbeNow));
}

/// <summary>The worker's catalogue entry: scheduled like the ServiceNow probe, only when Dependencies:MajorIncidents is on.</summary>
public sealed class MajorIncidentRegistrationTests
{
    [TestCase(null, false)]
    [TestCase("false", false)]
    [TestCase("true", true)]
    public void The_probe_runs_only_when_switched_on(string? majorIncidents, bool scheduled)
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tickets:ServiceNow:Enabled"] = "true",
            ["Tickets:ServiceNow:BaseUrl"] = "http://127.0.0.1:9",
            ["Tickets:ServiceNow:Username"] = "svc",
            ["Tickets:ServiceNow:Password"] = "pw",
            ["Tickets:ServiceNow:Schedule"] = "0 0/5 * * * ?",
            ["Dependencies:MajorIncidents"] = majorIncidents,
        });
        builder.Services.AddTicketProbes(builder.Configuration);
        builder.AddDependencies();
        builder.Services.AddSingleton<Monitor.Core.Ports.IWatermarkStore>(new InMemoryWatermarkStore());
        using var provider = builder.Services.BuildServiceProvider();

        var entry = provider.GetServices<Monitor.Probes.ProbeDefinition>().Single(d => d.Name == "major_incidents_servicenow");
        Assert.That(entry.Schedule(provider), Is.EqualTo(scheduled ? new Monitor.Probes.JobSchedule.Cron("0 0/5 * * * ?") : null));
        Assert.That(entry.IsProbe, Is.True);
    }
}
