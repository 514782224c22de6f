using System.Net;
using System.Net.Sockets;

namespace Monitor.Tests.Stack.Harness;

public static class FreePort
{
    /// <summary>A TCP port free on 127.0.0.1 right now (the OS picks it).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
