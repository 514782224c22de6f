using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using MailKit.Net.Smtp;
using MimeKit;
using Monitor.Worker.Pulse;

// Sends N copies of a stored pulse to an SMTP server per variant, the variants in turn, three rounds:
// - before: as the outbox did before issue 13 (a connection per batch of 50, the stored message parsed back in full, the
//   envelope read from its headers);
// - async: one connection, StoredMessage, an explicit envelope, MailKit's asynchronous API (the outbox until issue 13's
//   sixth round);
// - sync: the same with MailKit's blocking API, each batch of 50 on a thread of its own (TaskCreationOptions.LongRunning),
//   so that the kernel wakes the sending thread itself when a reply arrives;
// - sync, one thread: the same on one dedicated thread fed batch by batch.
// Prints this process's CPU seconds per 1,000 and messages/s of each.
var port = int.Parse(args[0], CultureInfo.InvariantCulture);
var stored = File.ReadAllText(args[1]);
var n = int.Parse(args[2], CultureInfo.InvariantCulture);
var sender = MailboxAddress.Parse("pulse@localhost");
var to = new[] { new MailboxAddress("", "x@example.com") };
for (var round = 1; round <= 3; round++)
{
    var before = await Measure(async () =>
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
    var asynchronous = await Measure(async () =>
    {
        using var client = await ConnectAsync(port);
        for (var i = 0; i < n; i++)
        {
            using var message = StoredMessage.Load(stored);
            await client.SendAsync(FormatOptions.Default, message, sender, to);
        }
        await client.DisconnectAsync(true);
    });
    var synchronous = await Measure(async () =>
    {
        using var client = Connect(port);
        for (var b = 0; b < n / 50; b++)
        {
            await Task.Factory.StartNew(() =>
            {
                for (var i = 0; i < 50; i++)
                {
                    using var message = StoredMessage.Load(stored);
                    client.Send(FormatOptions.Default, message, sender, to);
                }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        client.Disconnect(true);
    });
    var oneThread = await Measure(async () =>
    {
        using var client = Connect(port);
        using var batches = new System.Collections.Concurrent.BlockingCollection<TaskCompletionSource>();
        var thread = new Thread(() =>
        {
            foreach (var done in batches.GetConsumingEnumerable())
            {
                for (var i = 0; i < 50; i++)
                {
                    using var message = StoredMessage.Load(stored);
                    client.Send(FormatOptions.Default, message, sender, to);
                }
                done.SetResult();
            }
        }) { IsBackground = true };
        thread.Start();
        for (var b = 0; b < n / 50; b++)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            batches.Add(done);
            await done.Task;
        }
        batches.CompleteAdding();
        thread.Join();
        client.Disconnect(true);
    });
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"round {round}: before {Show(before)}; async {Show(asynchronous)}; sync {Show(synchronous)}; sync, one thread {Show(oneThread)}; " +
        $"CPU sync/async {synchronous.Cpu / asynchronous.Cpu:F2}, rate sync/async {asynchronous.Wall / synchronous.Wall:F2}"));
}

string Show((double Cpu, double Wall) m) =>
    string.Create(CultureInfo.InvariantCulture, $"{1000 * m.Cpu / n:F3} CPU s per 1,000, {n / m.Wall:F0}/s");

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

// Connected with blocking calls only: on Linux, .NET switches a socket to non-blocking mode at its first asynchronous
// operation and from then on emulates blocking calls through its epoll thread, which would bring the hand-off back.
static SmtpClient Connect(int port)
{
    var client = new SmtpClient();
    var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    socket.Connect("127.0.0.1", port);
    client.Connect(socket, "127.0.0.1", port, MailKit.Security.SecureSocketOptions.None);
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
