using System.Net;
using System.Net.Sockets;

namespace Monitor.Tests.Infrastructure;

public static class TestPaths
{
    /// <summary>The repository root: the folder holding satisfaction-monitor.sln.</summary>
    public static string RepoRoot { get; } = FindRoot();

    public static string Samples(string file) => Path.Combine(RepoRoot, "samples", file);

    /// <summary>A new empty folder under the system temp folder.</summary>
    public static string NewTempDir(string prefix)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A loopback TCP port free at the time of asking.</summary>
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "satisfaction-monitor.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("satisfaction-monitor.sln not found above " + AppContext.BaseDirectory);
    }
}
