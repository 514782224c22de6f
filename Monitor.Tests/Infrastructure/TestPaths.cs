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

    /// <summary>
    /// A file named <paramref name="name"/> in a new folder that is not a regular file: a FIFO (<c>mkfifo</c>), a link to
    /// /dev/zero, or empty. Reading either of the first two never ends unless it is refused before it is opened.
    /// </summary>
    public static async Task<string> SpecialFileAsync(string kind, string name)
    {
        var path = Path.Combine(NewTempDir("sm-special"), name);
        switch (kind)
        {
            case "fifo":
                using (var process = System.Diagnostics.Process.Start("mkfifo", [path]))
                {
                    await process.WaitForExitAsync();
                    if (process.ExitCode != 0) throw new InvalidOperationException($"mkfifo exited {process.ExitCode}");
                }
                break;
            case "link to /dev/zero":
                File.CreateSymbolicLink(path, "/dev/zero");
                break;
            case "empty":
                await File.WriteAllBytesAsync(path, []);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
        return path;
    }

    /// <summary>Opens and closes a FIFO for writing, which lets a reader stuck in its open() go on.</summary>
    public static void ReleaseFifo(string path)
    {
        using (new FileStream(path, FileMode.Open, FileAccess.Write)) { }
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
