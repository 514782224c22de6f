using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Monitor.Tests.Infrastructure;

/// <summary>
/// The tests' one fake HTTP server: Kestrel on 127.0.0.1 and a port the OS picks, handing every request to a
/// delegate. Fakes of other systems (a ticket system, Alertmanager's webhook receiver, a metrics target) build on it.
/// </summary>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    /// <summary>Starts at once; prefer <see cref="StartAsync"/> where the caller can await.</summary>
    public LoopbackHttpServer(RequestDelegate handler)
    {
        _app = Build(handler);
        _app.StartAsync().GetAwaiter().GetResult();
        BaseUri = new Uri(_app.Urls.First() + "/");
    }

    private LoopbackHttpServer(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    /// <summary>The root URL, ending in '/': <c>http://127.0.0.1:port/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>The root URL without the trailing '/', for appending paths: <c>http://127.0.0.1:port</c>.</summary>
    public string BaseUrl => BaseUri.ToString().TrimEnd('/');

    public static async Task<LoopbackHttpServer> StartAsync(RequestDelegate handler)
    {
        var app = Build(handler);
        await app.StartAsync();
        return new LoopbackHttpServer(app, new Uri(app.Urls.First() + "/"));
    }

    private static WebApplication Build(RequestDelegate handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(handler);
        return app;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
