using System.Net;
using System.Text;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Pulse;

/// <summary>Forms nobody can read, posted to the public listener without a token: 400, one line, a count (issue 13, item 4).</summary>
public sealed class PublicFormErrorTests
{
    private WorkerProcess _worker = null!;
    private HttpClient _public = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _worker = await WorkerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Pulse:SigningKeys:0"] = "a-signing-key-long-enough-0123456789",
            ["Pulse:PublicBaseUrl"] = "http://127.0.0.1:8080",
            ["Mail:PickupDirectory"] = TestPaths.NewTempDir("sm-pickup"),
        });
        _public = new HttpClient { BaseAddress = _worker.PublicUrl };
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _public.Dispose();
        await _worker.DisposeAsync();
    }

    private static HttpContent Form(string body) => new StringContent(body, Encoding.ASCII, "application/x-www-form-urlencoded");

    private static ByteArrayContent Multipart(string body)
    {
        var content = new ByteArrayContent(Encoding.ASCII.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=x");
        return content;
    }

    private static IEnumerable<TestCaseData> Bodies()
    {
        yield return new TestCaseData("malformed multipart",
            (Func<HttpContent>)(() => Multipart("--x\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\nabc")));
        yield return new TestCaseData("1,025 fields",
            (Func<HttpContent>)(() => Form(string.Join('&', Enumerable.Range(0, 1025).Select(i => $"f{i}=1")))));
        yield return new TestCaseData("a key over 2,048 characters", (Func<HttpContent>)(() => Form(new string('k', 2100) + "=1")));
        // .NET refuses to decode UTF-7 (NotSupportedException), in the form's content type or in one part's.
        yield return new TestCaseData("a form in charset utf-7", (Func<HttpContent>)(() =>
        {
            var content = Form("t=abc");
            content.Headers.ContentType!.CharSet = "utf-7";
            return content;
        }));
        yield return new TestCaseData("a multipart part in charset utf-7", (Func<HttpContent>)(() => Multipart(
            "--x\r\nContent-Type: text/plain; charset=utf-7\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\nabc\r\n--x--\r\n")));
        yield return new TestCaseData("a value over 4 MB",
            (Func<HttpContent>)(() => Form("comment=" + new string('v', 4 * 1024 * 1024 + 10))));
    }

    [TestCaseSource(nameof(Bodies))]
    public async Task An_unreadable_form_is_400_with_one_log_line_and_a_count(string what, Func<HttpContent> content)
    {
        var before = CountIn(await _worker.MetricsAsync());
        var linesBefore = RefusalLines();
        using var r = await _public.PostAsync("/p/respond", content());
        Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), what);
        Assert.That(await r.Content.ReadAsStringAsync(), Is.EqualTo("The form could not be read."));
        Assert.That(CountIn(await _worker.MetricsAsync()), Is.EqualTo(before + 1));
        // The worker's output is read asynchronously: wait (bounded) for the line rather than reading it at once.
        Assert.That(() => RefusalLines(), Is.EqualTo(linesBefore + 1).After(10_000, 50), "one log line per refused form");
        Assert.That(_worker.Log, Does.Not.Contain("   at "), "no stack trace");
    }

    private int RefusalLines() =>
        _worker.Log.Split('\n').Count(l => l.Contains("Form refused on /p/respond", StringComparison.Ordinal));

    private static double CountIn(string metrics) => double.Parse(metrics.Split('\n')
        .Single(l => l.StartsWith("satisfaction_public_requests_refused_total{reason=\"malformed_form\"}", StringComparison.Ordinal))
        .Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
}
