using Microsoft.Extensions.Options;
using MimeKit;
using Monitor.Core.Pulses;
using Monitor.Core.Users;
using Monitor.Probes.Pulse;
using Monitor.Probes.Pulse.Channels;

namespace Monitor.Worker.Pulse;

/// <summary>
/// Pulses as e-mail: rendered to MIME when queued, sent over one SMTP connection kept open across batches
/// (<see cref="SmtpConnection"/>) when <c>Mail:Smtp:Host</c> is set, else written as .eml files into <c>Mail:PickupDirectory</c>.
/// </summary>
public sealed class EmailChannel(IOptions<MailOptions> options, TimeProvider? time = null) : IPulseChannel, IAsyncDisposable, IDisposable
{
    public const string ChannelName = "email";

    public string Name => ChannelName;

    public bool CanReach(User user) => !string.IsNullOrWhiteSpace(user.Email);

    public OutboxPayload Render(ComposedPulse pulse) =>
        new(pulse.User.Email, PulseMail.Render(pulse, From));

    // Parsed once: every pulse has the same sender.
    private MailboxAddress From => _from ??= options.Value.FromAddress();

    private MailboxAddress? _from;

    // Only the outbox sender delivers, one batch at a time; the connection is opened on the first SMTP batch.
    private SmtpConnection? _smtp;

    /// <summary>Where mail goes, for the sender's start-up log line.</summary>
    public string Transport => string.IsNullOrWhiteSpace(options.Value.Smtp.Host)
        ? $"pickup folder {Path.GetFullPath(options.Value.PickupDirectory)}"
        : $"SMTP {options.Value.Smtp.Host}:{options.Value.Smtp.Port}";

    public Task DeliverAsync(IReadOnlyList<OutboxMessage> batch, ICollection<OutboxMessage> delivered, CancellationToken ct) =>
        string.IsNullOrWhiteSpace(options.Value.Smtp.Host) ? WritePickupAsync(batch, delivered, ct) : SendSmtpAsync(batch, delivered, ct);

    private Task SendSmtpAsync(IReadOnlyList<OutboxMessage> batch, ICollection<OutboxMessage> delivered, CancellationToken ct)
    {
        var connection = _smtp ??= new SmtpConnection(options.Value.Smtp, time ?? TimeProvider.System);
        return connection.SendAsync(batch, delivered, From, ct);
    }

    /// <summary>Connections opened so far (one for many batches while the server keeps it).</summary>
    internal int ConnectionsOpened => _smtp?.Opened ?? 0;

    public async ValueTask DisposeAsync()
    {
        if (_smtp is not null) await _smtp.DisposeAsync();
    }

    // A container disposed synchronously (tests) closes the socket without QUIT.
    public void Dispose() => _smtp?.Drop();

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
