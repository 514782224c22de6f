using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Pulse;

/// <summary>
/// Issue 13, item 9, end to end: a pulse answer link of a real pulse, re-signed with the worker's own key but with an
/// expiry no link of ours has (year 9999, or one no date can hold), fetched and answered through the real worker's
/// public listener: 404 "link not valid" (never 500, never an answer), counted by a fixed reason and logged once per
/// request, without a stack trace. <see cref="PulseTokenRangeTests"/> covers the codec alone.
/// </summary>
public sealed class PulseTokenExpiryEndToEndTests
{
    private const int ExpiresOffset = 18;
    private const int MacLength = 32;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static IEnumerable<TestCaseData> Expiries()
    {
        yield return new TestCaseData(new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero).ToUnixTimeSeconds())
            .SetArgDisplayNames("year 9999");
        yield return new TestCaseData(long.MaxValue).SetArgDisplayNames("long.MaxValue seconds");
    }

    [TestCaseSource(nameof(Expiries))]
    public async Task A_signed_link_with_an_extreme_expiry_is_refused_with_404_counted_and_logged_once(long expiresSeconds)
    {
        using var sink = await SmtpSink.StartAsync();
        await using var world = await PulseWorld.StartAsync(Stores.Sqlite, sink);
        await world.DispatchAsync();
        var mail = (await sink.WaitForAsync(PulseWorld.DueUsers.Length, Wait)).First(m => PulseWorld.Recipient(m) == "p1@example.com");
        var genuine = new Uri(PulseWorld.AnswerLinks(mail)[0]);
        var forged = Resign(genuine.AbsolutePath["/p/".Length..], expiresSeconds);
        using var client = new HttpClient { BaseAddress = world.Worker.PublicUrl };

        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Post })
        {
            var counted = Refused(await world.Worker.MetricsAsync());
            var logged = RefusalLines(world.Worker.Log, method);
            using var request = new HttpRequestMessage(method, $"/p/{forged}");
            if (method == HttpMethod.Post)
                request.Content = new StringContent("auto=0&wd=", Encoding.ASCII, "application/x-www-form-urlencoded");
            using var response = await client.SendAsync(request);

            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), $"{method}: a clear 4xx, not 500 nor a page to answer");
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("<h1>").And.Not.Contain("id=\"answer\""), method.Method);
            Assert.That(Refused(await world.Worker.MetricsAsync()), Is.EqualTo(counted + 1), $"{method}: counted once");
            // The worker's output is read asynchronously: wait (bounded) for the line.
            Assert.That(() => RefusalLines(world.Worker.Log, method), Is.EqualTo(logged + 1).After(10_000, 50), $"{method}: logged once");
        }

        Assert.That(world.Worker.Log, Does.Not.Contain("   at ").And.Not.Contain(forged), "no stack trace, no token in the log");
        Assert.That(await world.PulseAnswersAsync("p1"), Is.Empty, "the forged link answered nothing");
        using (var real = await client.GetAsync(genuine.PathAndQuery))
            Assert.That(real.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the link the worker signed still opens");
    }

    /// <summary>The token with its expiry replaced, signed again with the worker's key (as a holder of that key could).</summary>
    private static string Resign(string token, long expiresSeconds)
    {
        var bytes = Base64Url.DecodeFromChars(token);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(ExpiresOffset, 8), expiresSeconds);
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(PulseWorld.SigningKey), bytes.AsSpan(0, bytes.Length - MacLength),
            bytes.AsSpan(bytes.Length - MacLength));
        return Base64Url.EncodeToString(bytes);
    }

    private static double Refused(string metrics) => double.Parse(metrics.Split('\n')
        .Single(l => l.StartsWith("satisfaction_public_requests_refused_total{reason=\"invalid_link\"}", StringComparison.Ordinal))
        .Split(' ')[1], CultureInfo.InvariantCulture);

    private static int RefusalLines(string log, HttpMethod method) =>
        log.Split('\n').Count(l => l.Contains($"Pulse link refused on {method.Method} /p/{{token}}", StringComparison.Ordinal));
}
