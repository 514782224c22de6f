using System.Diagnostics;
using MimeKit;
using Monitor.Tests.Infrastructure;

namespace Monitor.Tests.Pulse;

/// <summary>
/// Postfix's smtp-sink on loopback as a child process: a real SMTP server that dumps every message into
/// a folder. As root it drops to the postgres user (it refuses to run as root).
/// </summary>
public sealed class SmtpSink : IDisposable
{
    private readonly Process _process;

    private SmtpSink(Process process, int port, string dir)
    {
        _process = process;
        Port = port;
        Directory = dir;
    }

    public int Port { get; }

    public string Directory { get; }

    public static async Task<SmtpSink> StartAsync(int? port = null, string? dir = null, int dataDelaySeconds = 0)
    {
        dir ??= TestPaths.NewTempDir("sm-sink");
        var p = port ?? TestPaths.FreePort();
        var psi = new ProcessStartInfo("/usr/sbin/smtp-sink") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        if (ProcessRunner.IsRoot && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dir, (UnixFileMode)0b111_111_111);
            psi.ArgumentList.Add("-u");
            psi.ArgumentList.Add("postgres");
        }
        if (dataDelaySeconds > 0)
        {
            psi.ArgumentList.Add("-w");
            psi.ArgumentList.Add(dataDelaySeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        foreach (var a in new[] { "-d", Path.Combine(dir, "msg."), $"127.0.0.1:{p}", "100" }) psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        var sink = new SmtpSink(process, p, dir);
        for (var i = 0; i < 100; i++)
        {
            if (process.HasExited) throw new InvalidOperationException($"smtp-sink exited: {await process.StandardError.ReadToEndAsync()}");
            try
            {
                using var tcp = new System.Net.Sockets.TcpClient();
                await tcp.ConnectAsync("127.0.0.1", p);
                return sink;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(50);
            }
        }
        sink.Dispose();
        throw new TimeoutException("smtp-sink did not listen");
    }

    /// <summary>SMTP sessions open at this moment: the sink's established sockets, from the kernel's table (Linux).</summary>
    public int OpenSessions()
    {
        var port = Port.ToString("X4", System.Globalization.CultureInfo.InvariantCulture);
        // "sl local_address rem_address st ...": the server's end of a session has the sink's port locally, state 01.
        return new[] { "/proc/net/tcp", "/proc/net/tcp6" }.Where(File.Exists).SelectMany(File.ReadLines)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(f => f.Length > 3 && f[1].EndsWith(":" + port, StringComparison.Ordinal) && f[3] == "01");
    }

    public int Count => System.IO.Directory.GetFiles(Directory, "msg.*").Length;

    /// <summary>Waits until at least <paramref name="count"/> messages arrived in full, then a moment more for stragglers.</summary>
    public async Task<IReadOnlyList<MimeMessage>> WaitForAsync(int count, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (CompleteMessages().Count < count && DateTime.UtcNow < until) await Task.Delay(100);
        Assert.That(CompleteMessages(), Has.Count.GreaterThanOrEqualTo(count), $"messages in the sink after {timeout}");
        await Task.Delay(500);
        return CompleteMessages();
    }

    public IReadOnlyList<MimeMessage> Messages() =>
        System.IO.Directory.GetFiles(Directory, "msg.*").Select(f => MimeMessage.Load(f)).ToList();

    /// <summary>Messages received in full (a transaction cut off by a crash leaves a dump without a body).</summary>
    public IReadOnlyList<MimeMessage> CompleteMessages() =>
        System.IO.Directory.GetFiles(Directory, "msg.*").Select(TryLoad).OfType<MimeMessage>().Where(m => m.To.Mailboxes.Count() == 1 && m.HtmlBody is not null && m.HtmlBody.Contains("</html>", StringComparison.Ordinal)).ToList();

    private static MimeMessage? TryLoad(string file)
    {
        try
        {
            return MimeMessage.Load(file);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit(5000);
        _process.Dispose();
    }
}
