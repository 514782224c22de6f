using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Monitor.Core.Ports;
using Monitor.Tests.Console;
using Monitor.Tests.Infrastructure;
using Monitor.Worker.Privacy;

namespace Monitor.Tests.Privacy;

/// <summary>
/// Every endpoint of the admin API declares what it answers about (<see cref="PrivacyScope"/>), and anonymous mode refuses
/// by that declaration after routing: a new endpoint cannot be forgotten, and an /api endpoint without one is refused.
/// </summary>
public sealed class PrivacyScopeGuardTests
{
    // The reviewed reads about individuals, refused in anonymous mode (docs/privacy.md): "METHODS pattern [?only-with] [audited]".
    private static readonly string[] AboutIndividuals =
    [
        "GET /api/users",
        "GET /api/users/{id} audited:id",
        "POST /api/users/{id}/acknowledgement",
        "DELETE /api/users/{id}/acknowledgement",
        "GET /api/state-changes",
        "GET /api/users/{id}/visits",
        "GET /api/outreach",
        "GET /api/outreach.csv",
        "POST /api/lunches",
        "POST /api/lunches/{id}/attendance",
        "GET /api/comments",
        "GET /api/users/{userId}/incidents",
        "GET /api/downtimes ?user",
        "GET /api/audit ?subject",
        "GET /api/audit.csv ?subject",
    ];

    [Test]
    public async Task Every_admin_api_endpoint_declares_what_it_answers_about()
    {
        var api = (await InProcessWorker.EndpointsAsync()).Where(e => PrivacyScope.IsAdminApi(e.RoutePattern)).ToList();
        Assert.That(api, Has.Count.GreaterThan(40), "the admin API's endpoints were listed");
        var undeclared = api.Where(e => e.Metadata.GetMetadata<PrivacyScope>() is null).Select(Name).ToList();
        var individuals = api.Select(e => (Endpoint: e, Scope: e.Metadata.GetMetadata<PrivacyScope>()))
            .Where(x => x.Scope?.Answers == Answers.Individuals)
            .Select(x => Name(x.Endpoint) + (x.Scope!.OnlyWithQuery is { } q ? $" ?{q}" : "") +
                         (x.Scope.AuditedPerson is { } p ? $" audited:{p}" : ""));
        Assert.Multiple(() =>
        {
            Assert.That(undeclared, Is.Empty, "admin API endpoints that declare no PrivacyScope (AboutIndividuals, NoIndividual, " +
                                              "PersonsRight):\n" + string.Join("\n", undeclared));
            Assert.That(individuals, Is.EquivalentTo(AboutIndividuals), "the reads refused in anonymous mode (docs/privacy.md)");
        });
    }

    [Test]
    public void The_guard_sees_an_undeclared_admin_endpoint_and_leaves_the_others_alone()
    {
        Assert.Multiple(() =>
        {
            Assert.That(PrivacyScope.IsAdminApi(RoutePatternFactory.Parse("/api/things/{id}")), Is.True);
            Assert.That(PrivacyScope.IsAdminApi(RoutePatternFactory.Parse("api/things")), Is.True);
            Assert.That(PrivacyScope.IsAdminApi(RoutePatternFactory.Parse("/API/things")), Is.True);
            Assert.That(PrivacyScope.IsAdminApi(RoutePatternFactory.Parse("/console/api")), Is.False);
            Assert.That(PrivacyScope.IsAdminApi(RoutePatternFactory.Parse("/apis")), Is.False);
            Assert.That(PrivacyScope.IsAdminApi(RoutePatternFactory.Parse("/{api}")), Is.False);
        });
    }

    /// <summary>
    /// The test's own endpoints on the real worker in anonymous mode: a new list of people is refused because it says so,
    /// on whatever route template it is mapped; one that declares nothing is refused too (fails closed); one that answers
    /// about no individual is served. The hand-written path matching this replaces served the first two.
    /// </summary>
    [Test]
    public async Task In_anonymous_mode_the_declaration_decides_whatever_the_path()
    {
        await using var app = await InProcessWorker.StartAsync(TestPaths.NewTempDir("sm-scope"), ["--Privacy:Mode=anonymous"], a =>
        {
            var api = a.MapGroup("/api/test");
            api.MapGet("/people", () => "u001").AboutIndividuals();
            api.MapGet("/teams/{team}/members", (string team) => "u001").AboutIndividuals();
            api.MapGet("/by-query", () => "u001").AboutIndividuals(onlyWithQuery: "who");
            api.MapGet("/undeclared", () => "u001");
            api.MapGet("/groups", () => "Finance: 12").NoIndividual();
        });
        using var admin = Admin(app);
        foreach (var (path, expected) in new[]
                 {
                     ("/api/test/people", HttpStatusCode.Forbidden),
                     ("/api/test/teams/it/members", HttpStatusCode.Forbidden),
                     ("/api/test/by-query?who=u001", HttpStatusCode.Forbidden),
                     ("/api/test/by-query", HttpStatusCode.OK),
                     ("/api/test/undeclared", HttpStatusCode.Forbidden),
                     ("/api/test/groups", HttpStatusCode.OK),
                     ("/api/test/nothing-here", HttpStatusCode.NotFound),
                 })
        {
            using var r = await admin.GetAsync(path);
            Assert.That(r.StatusCode, Is.EqualTo(expected), path);
        }
        using var put = await admin.PutAsync("/api/test/people", null);
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed), "a method it does not take: the router's 405");
    }

    /// <summary>A read of one person that cannot be recorded in the audit log is not answered (500), and a miss is not recorded.</summary>
    [Test]
    public async Task A_read_of_one_person_fails_when_the_audit_log_cannot_record_it()
    {
        var audit = new FailingAudit();
        await using var app = await InProcessWorker.StartAsync(TestPaths.NewTempDir("sm-scope-audit"), [], null,
            b => b.Services.Replace(ServiceDescriptor.Singleton<IAuditLog>(audit)));
        using var admin = Admin(app);
        using var missing = await admin.GetAsync("/api/users/nobody");
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(audit.Attempts, Is.Empty, "a read that found nobody is not recorded");

        using var read = await admin.GetAsync("/api/Users/u%30%301/");
        var body = await read.Content.ReadAsStringAsync();
        Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError), body);
        Assert.That(body, Does.Not.Contain("u001"), "none of the person's data left");
        Assert.That(audit.Attempts.Select(e => (e.Action, e.SubjectUserId)), Is.EqualTo(new[] { (AuditActions.ViewUser, (string?)"u001") }),
            "the id the handler read, from any spelling of the path");
    }

    private static HttpClient Admin(WebApplication app)
    {
        var client = new HttpClient { BaseAddress = InProcessWorker.InternalUrl(app) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", WorkerProcess.ApiKey);
        return client;
    }

    private static string Name(RouteEndpoint e) =>
        $"{string.Join(',', e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"])} /{e.RoutePattern.RawText?.TrimStart('/')}";

    private sealed class FailingAudit : IAuditLog
    {
        public List<AuditEntry> Attempts { get; } = [];

        public Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken)
        {
            lock (Attempts) Attempts.Add(entry);
            throw new InvalidOperationException("the audit store is down");
        }
    }
}
