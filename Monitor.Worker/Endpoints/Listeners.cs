using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Monitor.Worker.Endpoints;

public enum Listener
{
    Public,
    Internal,
}

/// <summary>Endpoint metadata: which listener an endpoint answers on.</summary>
public sealed record ListenerMetadata(Listener Listener);

public static class ListenerExtensions
{
    /// <summary>Opens one listener from its validated URL: an IP address, <c>localhost</c>, or any other host for all interfaces.</summary>
    /// <param name="key">The setting the URL comes from, named when https has no certificate.</param>
    public static void Listen(KestrelServerOptions kestrel, string url, string? key = null)
    {
        var uri = new Uri(url);
        Action<ListenOptions> configure = uri.Scheme == Uri.UriSchemeHttps ? l => UseHttps(l, url, key) : _ => { };
        if (uri.IsLoopback && !IPAddress.TryParse(uri.Host, out _)) kestrel.ListenLocalhost(uri.Port, configure);
        else if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address)) kestrel.Listen(address, uri.Port, configure);
        else kestrel.ListenAnyIP(uri.Port, configure);
    }

    private static void UseHttps(ListenOptions listen, string url, string? key)
    {
        try
        {
            listen.UseHttps();
        }
        catch (InvalidOperationException) when (key is not null)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(EndpointOptions),
                [$"{key} ({url}) uses https but no server certificate is configured (Kestrel:Certificates:Default); " +
                 "or serve http behind a TLS-terminating proxy."]);
        }
    }

    public static TBuilder OnListener<TBuilder>(this TBuilder builder, Listener listener)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new ListenerMetadata(listener));

    /// <summary>
    /// Answers 404 for an endpoint reached on the other listener. Decided on the local port of the
    /// connection, not on the Host header, which a client chooses.
    /// </summary>
    public static IApplicationBuilder UseListenerSeparation(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<IOptions<EndpointOptions>>().Value;
        var internalPort = options.InternalPort;
        return app.Use(async (context, next) =>
        {
            var onInternal = context.Connection.LocalPort == internalPort;
            // Framework endpoints (405, 415) carry no metadata: they answer on the internal listener only.
            var wanted = context.GetEndpoint()?.Metadata.GetMetadata<ListenerMetadata>()?.Listener ?? Listener.Internal;
            if ((wanted == Listener.Internal) != onInternal)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            await next(context);
        });
    }
}
