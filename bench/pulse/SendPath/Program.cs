using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using MailKit.Net.Smtp;
using MimeKit;
using Monitor.Worker.Pulse;

// Sends N copies of a stored pulse to an SMTP server twice per round, in turn: as the outbox did before issue 13 (a
// connection per batch of 50, the stored message parsed back in full, the envelope read from its headers) and as it does
// now (one connection, StoredMessage, an explicit envelope). Prints this process's CPU seconds per 1,000 and messages/s.
var port = int.Parse(args[0], CultureInfo.InvariantCulture);
var stored = File.ReadAllText(args[1]);
var n = int.Parse(args[2], CultureInfo.InvariantCulture);
var sender = MailboxAddress.Parse("pulse@localhost");
for (var round = 1; round <= 3; round++)
{
    var (oldCpu, oldWall) = await Measure(async () =>
    {
        for (var b = 0; b < n / 50; b++)
        {
            using var client = await ConnectAsync(port);
            for (var i = 0; i < 50; i++)
            {
                using var message = Monitor.Worker.Pulse.PulseMail.Parse(stored);
                await client.SendAsync(message);
            }
            await client.DisconnectAsync(true);
        }
    });
    var (newCpu, newWall) = await Measure(async () =>
    {
        using var client = await ConnectAsync(port);
        for (var i = 0; i < n; i++)
        {
            using var message = StoredMessage.Load(stored);
            await client.SendAsync(FormatOptions.Default, message, sender, [new MailboxAddress("", "x@example.com")]);
        }
        await client.DisconnectAsync(true);
    });
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"round {round}: before {1000 * oldCpu / n:F3} CPU s per 1,000, {n / oldWall:F0}/s; after {1000 * newCpu / n:F3} CPU s per 1,000, " +
        $"{n / newWall:F0}/s; CPU after/before {newCpu / oldCpu:F2}"));
}

static async Task<(double Cpu, double Wall)> Measure(Func<Task> run)
{
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var wall = Stopwatch.StartNew();
    await run();
    return ((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds, wall.Elapsed.TotalSeconds);
}

static async Task<SmtpClient> ConnectAsync(int port)
{
    var client = new SmtpClient();
    var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    await socket.ConnectAsync("127.0.0.1", port);
    await client.ConnectAsync(socket, "127.0.0.1", port, MailKit.Security.SecureSocketOptions.None);
    return client;
}

namespace Monitor.Worker.Pulse
{
    /// <summary>The full parse the sender did before (the worker's PulseMail.Parse), which StoredMessage falls back to.</summary>
    internal static class PulseMail
    {
        public static MimeMessage Parse(string message)
        {
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(message));
            return MimeMessage.Load(stream);
        }
    }
}
