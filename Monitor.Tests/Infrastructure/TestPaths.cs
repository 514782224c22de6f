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

    private static readonly HashSet<int> Given = [];

    /// <summary>
    /// A loopback TCP port free at the time of asking, and never one this test run was given before: the kernel readily
    /// hands out a port just freed, such as a killed worker's, which its restart is about to take again.
    /// </summary>
    public static int FreePort()
    {
        while (true)
        {
            using var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            var port = ((IPEndPoint)l.LocalEndpoint).Port;
            lock (Given)
            {
                if (Given.Add(port)) return port;
            }
        }
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
