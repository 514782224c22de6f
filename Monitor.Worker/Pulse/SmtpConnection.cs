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
internal sealed class SmtpConnection(SmtpOptions smtp, TimeProvider time) : IAsyncDisposable
{
    /// <summary>How long an unused connection is trusted to still be open.</summary>
    public static readonly TimeSpan IdleLimit = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private SmtpClient? _client;
    private DateTimeOffset _lastUsed;

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
            var client = await ConnectedAsync(ct);
            foreach (var m in batch)
            {
                using var message = StoredMessage.Load(m.Message);
                await client.SendAsync(FormatOptions.Default, message, sender, [new MailboxAddress("", m.Recipient)], ct);
                delivered.Add(m);
                _lastUsed = time.GetUtcNow();
            }
        }
        catch
        {
            // A send cut off (an error, a timeout, the shutdown limit) leaves the session in an unknown state.
            Drop();
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<SmtpClient> ConnectedAsync(CancellationToken ct)
    {
        if (_client is { IsConnected: true } open && time.GetUtcNow() - _lastUsed < IdleLimit) return open;
        await CloseAsync();
        var client = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        // Our own socket, to turn Nagle off: with it, every message waits out the peer's delayed ACK (about 40 ms),
        // which caps one connection at some 20 messages/s.
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(smtp.Host!, smtp.Port, ct);
            await client.ConnectAsync(socket, smtp.Host!, smtp.Port, smtp.Security, ct);
            if (!string.IsNullOrEmpty(smtp.User)) await client.AuthenticateAsync(smtp.User, smtp.Password ?? "", ct);
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
    }

    // QUIT politely, briefly: a server that does not answer is simply left.
    private async Task CloseAsync()
    {
        if (_client is null) return;
        try
        {
            using var quit = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            if (_client.IsConnected) await _client.DisconnectAsync(true, quit.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or SmtpProtocolException
                                      or SmtpCommandException)
        {
        }
        Drop();
    }

    public async ValueTask DisposeAsync()
    {
        // A batch still sending at this point is past the host's shutdown limit: leave its connection to the process exit.
        if (!await _gate.WaitAsync(TimeSpan.FromSeconds(5))) return;
        try
        {
            await CloseAsync();
        }
        finally
        {
            _gate.Release();
            _gate.Dispose();
        }
    }
}
