using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Monitor.Probes.Pulse;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Faults;

/// <summary>
/// The real worker on a PostgreSQL of its own that is stopped under it (issue 13, "Faults"): what clients see while
/// the store is away, how fast /readyz says so, and that the worker comes back by itself.
/// </summary>
public sealed class DatabaseOutageTests
{
    private const string SigningKey = "outage-test-signing-key-0123456789abcdef";
    private const string User = "u001";

    [TestCase("fast")]
    [TestCase("immediate")]
    public async Task While_postgres_is_down_clients_get_503_with_retry_after_and_the_worker_recovers_by_itself(string stop)
    {
        await using var pg = await PrivatePostgres.CreateAsync();
        var publicPort = TestPaths.FreePort();
        await using var worker = await WorkerProcess.StartAsync(Settings(pg, publicPort), publicPort: publicPort);
        using var pages = new HttpClient { BaseAddress = worker.PublicUrl, Timeout = TimeSpan.FromSeconds(30) };
        var token = new PulseTokenCodec([SigningKey]).Sign(
            new PulseToken(TokenPurpose.Answer, Guid.NewGuid(), User, 0, 2, DateTimeOffset.UtcNow.AddDays(3)));
        Assert.That((await PostSignalAsync(worker, "before")).StatusCode, Is.EqualTo(HttpStatusCode.Created));

        await pg.StopAsync(stop);

        var watch = Stopwatch.StartNew();
        using (var ready = await worker.Http.GetAsync("/readyz"))
        {
            watch.Stop();
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), await ready.Content.ReadAsStringAsync());
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1.5)), "a probe with a 1-2 s timeout must see the 503");
        }
        using (var live = await worker.Http.GetAsync("/healthz")) Assert.That(live.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        using (var api = await PostSignalAsync(worker, "during"))
        {
            Assert.That(api.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(api.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(5)));
            Assert.That(api.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(await api.Content.ReadAsStringAsync(), Does.Contain("Nothing was saved"));
        }
        using (var click = new HttpRequestMessage(HttpMethod.Get, $"/p/{token}"))
        {
            click.Headers.AcceptLanguage.ParseAdd("fr-FR,fr;q=0.9,en;q=0.5");
            using var page = await pages.SendAsync(click);
            Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(page.Headers.RetryAfter, Is.Not.Null);
            var html = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());
            Assert.That(html, Does.Contain("lang=\"fr").And.Contain("pas été enregistrée"), html);
        }
        using (var answer = await pages.PostAsync($"/p/{token}",
                   new FormUrlEncodedContent(new Dictionary<string, string> { ["auto"] = "0" })))
        {
            Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(await answer.Content.ReadAsStringAsync(), Does.Contain("Your answer was not saved").And.Contain("click the link"));
        }
        var metrics = await worker.MetricsAsync();
        Assert.That(metrics, Does.Match("satisfaction_store_unavailable_responses_total\\{surface=\"api\"\\} [1-9]"));
        Assert.That(metrics, Does.Match("satisfaction_store_unavailable_responses_total\\{surface=\"pulse\"\\} [2-9]"));
        Assert.That(() => worker.Log, Does.Contain("Store unavailable:").After(10_000, 50), "the output is read asynchronously");
        Assert.That(worker.Log, Does.Not.Contain("An unhandled exception has occurred"), "a 503 is not logged as a crash");

        await pg.StartAsync();
        watch.Restart();
        HttpStatusCode status;
        do
        {
            await Task.Delay(100);
            using var again = await PostSignalAsync(worker, $"after-{watch.ElapsedMilliseconds}");
            status = again.StatusCode;
        }
        while (status != HttpStatusCode.Created && watch.Elapsed < TimeSpan.FromSeconds(30));
        TestContext.Out.WriteLine($"writes accepted again {watch.Elapsed.TotalSeconds:0.0} s after PostgreSQL was back ({stop} stop)");
        Assert.That(status, Is.EqualTo(HttpStatusCode.Created), worker.Log);
        await worker.WaitReadyAsync(TimeSpan.FromSeconds(10));
    }

    [Test]
    public async Task Started_before_postgres_the_worker_waits_with_a_clear_line_is_not_ready_and_starts_when_it_comes()
    {
        await using var pg = await PrivatePostgres.CreateAsync(start: false);
        var (publicPort, internalPort) = (TestPaths.FreePort(), TestPaths.FreePort());
        var starting = WorkerProcess.StartAsync(Settings(pg, publicPort), publicPort: publicPort, internalPort: internalPort);

        using var probe = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{internalPort}"), Timeout = TimeSpan.FromSeconds(2) };
        var until = DateTime.UtcNow.AddSeconds(6);
        while (DateTime.UtcNow < until)
        {
            Assert.That(starting.IsFaulted, Is.False, () => starting.Exception!.ToString());
            try
            {
                using var r = await probe.GetAsync("/readyz");
                Assert.That(r.StatusCode, Is.Not.EqualTo(HttpStatusCode.OK), "ready without a store");
            }
            catch (HttpRequestException)
            {
                // not listening: not ready either
            }
            await Task.Delay(300);
        }

        await pg.StartAsync();
        await using var worker = await starting;
        Assert.That(worker.Log, Does.Contain("Store unreachable at start-up (attempt 1:"));
        Assert.That(worker.Log, Does.Contain("Store reachable after"));
        Assert.That(worker.Log, Does.Not.Contain("Schema migration failed"));
        Assert.That((await PostSignalAsync(worker, "first")).StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }

    private static Dictionary<string, string> Settings(PrivatePostgres pg, int publicPort) => new()
    {
        ["Storage:Provider"] = "postgres",
        ["Storage:ConnectionString"] = pg.ConnectionString,
        ["Pulse:SigningKeys:0"] = SigningKey,
        ["Pulse:PublicBaseUrl"] = $"http://127.0.0.1:{publicPort}",
        ["Pulse:Cron"] = "0 0 0 1 1 ? 2099",
    };

    private static Task<HttpResponseMessage> PostSignalAsync(WorkerProcess worker, string source) =>
        worker.Admin.PostAsJsonAsync($"/api/users/{User}/signals", new { kind = "touchpoint", score = 0.5, source });
}
