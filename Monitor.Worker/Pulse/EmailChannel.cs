using System.Net.Sockets;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using MimeKit;
using Monitor.Core.Pulses;
using Monitor.Core.Users;
using Monitor.Probes.Pulse;
using Monitor.Probes.Pulse.Channels;

namespace Monitor.Worker.Pulse;

/// <summary>
/// Pulses as e-mail: rendered to MIME when queued, sent over one SMTP connection per batch when
/// <c>Mail:Smtp:Host</c> is set, else written as .eml files into <c>Mail:PickupDirectory</c>.
/// </summary>
public sealed class EmailChannel(IOptions<MailOptions> options) : IPulseChannel
{
    public const string ChannelName = "email";

    public string Name => ChannelName;

    public bool CanReach(User user) => !string.IsNullOrWhiteSpace(user.Email);

    public OutboxPayload Render(ComposedPulse pulse) =>
        new(pulse.User.Email, PulseMail.Render(pulse, From));

    // Parsed once: every pulse has the same sender.
    private MailboxAddress From => _from ??= options.Value.FromAddress();

    private MailboxAddress? _from;

    /// <summary>Where mail goes, for the sender's start-up log line.</summary>
    public string Transport => string.IsNullOrWhiteSpace(options.Value.Smtp.Host)
        ? $"pickup folder {Path.GetFullPath(options.Value.PickupDirectory)}"
        : $"SMTP {options.Value.Smtp.Host}:{options.Value.Smtp.Port}";

    public Task DeliverAsync(IReadOnlyList<OutboxMessage> batch, ICollection<OutboxMessage> delivered, CancellationToken ct) =>
        string.IsNullOrWhiteSpace(options.Value.Smtp.Host) ? WritePickupAsync(batch, delivered, ct) : SendSmtpAsync(batch, delivered, ct);

    private async Task SendSmtpAsync(IReadOnlyList<OutboxMessage> batch, ICollection<OutboxMessage> delivered, CancellationToken ct)
    {
        var smtp = options.Value.Smtp;
        using var client = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        // Our own socket, to turn Nagle off: with it, every message of a batch waits out the peer's
        // delayed ACK (about 40 ms), which caps one connection at some 20 messages/s.
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(smtp.Host!, smtp.Port, ct);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        await client.ConnectAsync(socket, smtp.Host!, smtp.Port, smtp.Security, ct);
        if (!string.IsNullOrEmpty(smtp.User)) await client.AuthenticateAsync(smtp.User, smtp.Password ?? "", ct);
        foreach (var m in batch)
        {
            using var message = PulseMail.Parse(m.Message);
            await client.SendAsync(message, ct);
            delivered.Add(m);
        }
        await client.DisconnectAsync(true, ct);
    }

    private async Task WritePickupAsync(IReadOnlyList<OutboxMessage> batch, ICollection<OutboxMessage> delivered, CancellationToken ct)
    {
        var folder = options.Value.PickupDirectory;
        Directory.CreateDirectory(folder);
        foreach (var m in batch)
        {
            // Written under a temporary name and renamed, so that a pickup agent never reads half a file.
            var path = Path.Combine(folder, $"{m.Id:N}.eml");
            await File.WriteAllTextAsync(path + ".tmp", m.Message, ct);
            File.Move(path + ".tmp", path, overwrite: true);
            delivered.Add(m);
        }
    }
}
