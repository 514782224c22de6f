using System.Net;
using System.Net.Sockets;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Worker;

/// <summary>The healthcheck verb (a container's health check) fails with one line, never an unhandled exception.</summary>
public sealed class HealthcheckVerbTests
{
    // A file: URL or a listener that accepts and never answers printed "Unhandled exception" and a stack trace.
    [Test]
    public async Task A_url_that_is_not_http_or_never_answers_is_exit_1_with_one_line()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        foreach (var (url, says) in new[]
        {
            ("file:///etc/passwd", "The 'file' scheme is not supported."),
            ("healthz", "An invalid request URI was provided."),
            ($"http://127.0.0.1:{port}/healthz", "no answer within 3 s"),
        })
        {
            var (code, output) = await ProcessRunner.RunAsync("dotnet", [WorkerProcess.WorkerDll, "healthcheck", "--url", url],
                timeout: TimeSpan.FromSeconds(30));
            Assert.That(code, Is.EqualTo(1), url);
            Assert.That(output, Does.Contain($"healthcheck: {url}: {says}"), url);
            Assert.That(output, Does.Not.Contain("Unhandled").And.Not.Contain("   at "), url);
        }
    }
}
