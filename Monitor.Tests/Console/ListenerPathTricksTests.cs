using System.Net.Sockets;
using System.Text;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Console;

/// <summary>
/// The internal routes asked on the public listener with path and header tricks, sent byte for byte (no client
/// normalising them): each is 404, never the internal answer, even with the admin key or the internal port in a header.
/// </summary>
public sealed class ListenerPathTricksTests
{
    private static readonly string[] Paths =
    [
        "/api/users", "//api/users", "/API/users", "/%61pi/users", "/api/../api/users", "/p/../api/users", "/./api/users",
        "/api%2Fusers", "/console/people", "//console/people", "/%63onsole/people", "/CONSOLE/", "/metrics", "/METRICS",
        "//metrics", "/healthz", "/readyz", "/webhooks/tickets/jira", "//webhooks/tickets/jira",
    ];

    private static readonly string[] Methods = ["GET", "HEAD", "OPTIONS", "POST", "DELETE"];

    [Test]
    public async Task Internal_routes_are_404_on_the_public_listener_whatever_the_path_method_or_headers()
    {
        await using var app = await InProcessWorker.StartAsync(TestPaths.NewTempDir("sm-tricks"), "--Console:LocalAccount:Password=tricks-password-1");
        var outside = InProcessWorker.PublicUrl(app);
        var inside = InProcessWorker.InternalUrl(app);
        string[] headers =
        [
            "", $"Host: {inside.Authority}", $"X-Forwarded-Host: {inside.Authority}", $"X-Forwarded-Port: {inside.Port}",
            "X-Forwarded-Proto: https", "X-Forwarded-For: 127.0.0.1", "X-Forwarded-Prefix: /api", "X-Original-URL: /api/users",
            $"Authorization: Bearer {WorkerProcess.ApiKey}",
        ];
        Assert.That(await StatusAsync(inside, "GET", "/api/users", $"Authorization: Bearer {WorkerProcess.ApiKey}"), Is.EqualTo(200),
            "the same request on the internal listener");
        var answered = new List<string>();
        foreach (var path in Paths)
        foreach (var method in Methods)
        foreach (var header in headers)
        {
            var status = await StatusAsync(outside, method, path, header);
            if (status != 404) answered.Add($"{method} {path} [{header}] -> {status}");
        }
        Assert.That(answered, Is.Empty);
    }

    /// <summary>Sends the request line as written, without any client normalising the path.</summary>
    private static async Task<int> StatusAsync(Uri listener, string method, string path, string header)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(listener.Host, listener.Port);
        var stream = tcp.GetStream();
        var host = header.StartsWith("Host:", StringComparison.Ordinal) ? "" : $"Host: {listener.Authority}\r\n";
        var extra = header.Length > 0 ? header + "\r\n" : "";
        var body = method is "POST" or "DELETE" ? "Content-Length: 0\r\n" : "";
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{method} {path} HTTP/1.1\r\n{host}{extra}{body}Connection: close\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync() ?? "";
        return int.Parse(statusLine.Split(' ')[1]);
    }
}
