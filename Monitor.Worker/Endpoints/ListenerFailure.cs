using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Monitor.Worker.Endpoints;

/// <summary>
/// Turns a listener that cannot open (its port in use) into a settings error naming the key, so that the worker
/// exits 2 with one line instead of 1 with a stack trace. (https without a certificate: <see cref="ListenerExtensions"/>.)
/// </summary>
public static class ListenerFailure
{
    /// <summary>Binds each listener's address for a moment before anything starts; throws naming the key of one in use.</summary>
    public static void Probe(EndpointOptions o)
    {
        foreach (var (key, url) in new[] { (nameof(o.Public), o.Public), (nameof(o.Internal), o.Internal) })
        {
            var uri = new Uri(url);
            var address = uri.IsLoopback && !IPAddress.TryParse(uri.Host.Trim('[', ']'), out _) ? IPAddress.Loopback
                : IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) ? ip : IPAddress.Any;
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(address, uri.Port));
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied
                                                or SocketError.AddressNotAvailable)
            {
                throw Failure($"{EndpointOptions.Section}:{key} ({url}) cannot be opened: {e.Message}.");
            }
        }
    }

    /// <summary>The same for a failure Kestrel reports when it binds (a port taken between the probe and the start).</summary>
    public static OptionsValidationException? Explain(Exception e, EndpointOptions o)
    {
        if (e is not IOException) return null;
        // Kestrel's message names the address it failed to bind ("Failed to bind to address http://127.0.0.1:8080: ...").
        var (key, url) = new[] { (Key: nameof(o.Public), Url: o.Public), (Key: nameof(o.Internal), Url: o.Internal) }
            .FirstOrDefault(l => e.Message.Contains($":{new Uri(l.Url).Port}", StringComparison.Ordinal));
        return key is null ? null : Failure($"{EndpointOptions.Section}:{key} ({url}) cannot be opened: {e.Message}");
    }

    private static OptionsValidationException Failure(string message) =>
        new(Options.DefaultName, typeof(EndpointOptions), [message]);
}
