using System.Net.Sockets;
using MailKit.Net.Smtp;
using MimeKit;
using Monitor.Core.Pulses;

namespace Monitor.Worker.Pulse;

/// <summary>
/// One SMTP connection kept open across outbox batches: connecting, EHLO (and AUTH) and QUIT for every batch of 50 cost as
/// much as the messages themselves. It is dropped on any failure (the next batch, or the sender's retry, connects afresh),
/// and not reused after <see cref="IdleLimit"/> without traffic, well inside the five minutes servers wait (RFC 5321
/// 4.5.3.2.7), so a connection the server has closed in between is not where a batch starts. One batch at a time.
/// </summary>
/// <remarks>
/// The conversation is held with blocking calls on a thread of its own per batch, so that the kernel wakes the sending thread
/// itself when a reply arrives: with MailKit's asynchronous API each reply went from the runtime's epoll thread to the thread
/// pool and on to the continuation, two wake-ups per round trip, and twice the CPU per message (docs/benchmarks.md, "Pulse
/// delivery", sixth round). The socket never sees an asynchronous call: on Linux .NET switches a socket to non-blocking mode
/// at its first one and emulates blocking calls through the epoll thread from then on. <c>Mail:Smtp:Timeout</c> applies to
/// each read and write (the socket's own timeouts); a cancellation (the shutdown limit, the lease lost) closes the socket under
/// the blocked call, which then fails at once.
/// </remarks>
internal sealed class SmtpConnection(SmtpOptions smtp, TimeProvider time) : IAsyncDisposable
{
    /// <summary>How long an unused connection is trusted to still be open.</summary>
    public static readonly TimeSpan IdleLimit = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private SmtpClient? _client;
    private volatile Socket? _socket;
    private DateTimeOffset _lastUsed;
    private int _disposed;

    /// <summary>How many connections were opened (for tests: one for many batches).</summary>
    public int Opened { get; private set; }

    /// <summary>
    /// Sends each message with an explicit envelope (no header walk), adding it to <paramref name="delivered"/> once accepted.
    /// </summary>
    public async Task SendAsync(IReadOnlyList<OutboxMessage> batch, ICollection<OutboxMessage> delivered, MailboxAddress sender,
        CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await Task.Factory.StartNew(() => Send(batch, delivered, sender, ct), CancellationToken.None,
                TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Send(IReadOnlyList<OutboxMessage> batch, ICollection<OutboxMessage> delivered, MailboxAddress sender,
        CancellationToken ct)
    {
        using var cut = ct.Register(static c => ((SmtpConnection)c!)._socket?.Dispose(), this);
        try
        {
            var client = Connected(ct);
            foreach (var m in batch)
            {
                ct.ThrowIfCancellationRequested();
                using var message = StoredMessage.Load(m.Message);
                // No token: with one MailKit polls the socket every 250 ms instead of blocking in the read, and no longer applies
                // the read timeout; the registration above cancels.
                client.Send(FormatOptions.Default, message, sender, [new MailboxAddress("", m.Recipient)], CancellationToken.None);
                delivered.Add(m);
                _lastUsed = time.GetUtcNow();
            }
        }
        catch (Exception e)
        {
            // A send cut off (an error, a timeout, the shutdown limit) leaves the session in an unknown state.
            Drop();
            if (ct.IsCancellationRequested && e is not OperationCanceledException) throw new OperationCanceledException("sending cut off", e, ct);
            throw;
        }
    }

    private SmtpClient Connected(CancellationToken ct)
    {
        if (_client is { IsConnected: true } open && time.GetUtcNow() - _lastUsed < IdleLimit) return open;
        Close();
        var client = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        // Our own socket, to turn Nagle off: with it, every message waits out the peer's delayed ACK (about 40 ms),
        // which caps one connection at some 20 messages/s.
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _socket = socket;
        try
        {
            // Set before the check: a cancellation from here on finds the socket to close.
            ct.ThrowIfCancellationRequested();
            socket.Connect(smtp.Host!, smtp.Port);
            client.Connect(socket, smtp.Host!, smtp.Port, smtp.Security, CancellationToken.None);
            if (!string.IsNullOrEmpty(smtp.User)) client.Authenticate(smtp.User, smtp.Password ?? "", CancellationToken.None);
        }
        catch
        {
            client.Dispose();
            socket.Dispose();
            throw;
        }
        _client = client;
        _lastUsed = time.GetUtcNow();
        Opened++;
        return client;
    }

    /// <summary>Closes the socket without QUIT.</summary>
    public void Drop()
    {
        _client?.Dispose();
        _client = null;
        _socket?.Dispose();
        _socket = null;
    }

    // QUIT politely, briefly: a server that does not answer is simply left.
    private void Close()
    {
        if (_client is null) return;
        try
        {
            using var quit = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            if (_client.IsConnected) _client.Disconnect(true, quit.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or SmtpProtocolException
                                      or SmtpCommandException or ObjectDisposedException)
        {
        }
        Drop();
    }

    public async ValueTask DisposeAsync()
    {
        // Once: the container disposes the e-mail channel, and so its connections, twice (as itself and as the IPulseChannel
        // forwarded to it); the second time found the gate disposed and the worker's exit failed (exit code 1).
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        // A batch still sending at this point is past the host's shutdown limit: leave its connection to the process exit.
        if (!await _gate.WaitAsync(TimeSpan.FromSeconds(5))) return;
        try
        {
            Close();
        }
        finally
        {
            _gate.Release();
            _gate.Dispose();
        }
    }
}
