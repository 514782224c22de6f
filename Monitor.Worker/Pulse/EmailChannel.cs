using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using MimeKit;
using Monitor.Core.Pulses;
using Monitor.Core.Users;
using Monitor.Probes.Pulse;
using Monitor.Probes.Pulse.Channels;

namespace Monitor.Worker.Pulse;

/// <summary>
/// Pulses as e-mail: rendered to MIME by the outbox sender as it sends them, over SMTP connections kept open across batches, one
/// per outbox send loop (<see cref="SmtpConnection"/>) when <c>Mail:Smtp:Host</c> is set, else written as .eml files into
/// <c>Mail:PickupDirectory</c>.
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

    // One connection per outbox send loop delivering at the same time (Mail:Outbox:Connections): a batch takes an idle one, or
    // opens another, and gives it back when done. Each connection drops and reopens its session on its own failures.
    private readonly ConcurrentBag<SmtpConnection> _idle = [];
    private readonly List<SmtpConnection> _all = [];

    /// <summary>Where mail goes, for the sender's start-up log line.</summary>
    public string Transport => string.IsNullOrWhiteSpace(options.Value.Smtp.Host)
        ? $"pickup folder {Path.GetFullPath(options.Value.PickupDirectory)}"
        : $"SMTP {options.Value.Smtp.Host}:{options.Value.Smtp.Port}";

    public Task DeliverAsync(IReadOnlyList<OutboxMessage> batch, ICollection<OutboxMessage> delivered, CancellationToken ct) =>
        string.IsNullOrWhiteSpace(options.Value.Smtp.Host) ? WritePickupAsync(batch, delivered, ct) : SendSmtpAsync(batch, delivered, ct);

    private async Task SendSmtpAsync(IReadOnlyList<OutboxMessage> batch, ICollection<OutboxMessage> delivered, CancellationToken ct)
    {
        if (!_idle.TryTake(out var connection))
        {
            connection = new SmtpConnection(options.Value.Smtp, time ?? TimeProvider.System);
            lock (_all) _all.Add(connection);
        }
        try
        {
            await connection.SendAsync(batch, delivered, From, ct);
        }
        finally
        {
            _idle.Add(connection);
        }
    }

    private SmtpConnection[] All()
    {
        lock (_all) return [.. _all];
    }

    /// <summary>Connections opened so far (one per send loop for many batches while the server keeps it).</summary>
    internal int ConnectionsOpened => All().Sum(c => c.Opened);

    public async ValueTask DisposeAsync()
    {
        foreach (var c in All()) await c.DisposeAsync();
    }

    // A container disposed synchronously (tests) closes the sockets without QUIT.
    public void Dispose()
    {
        foreach (var c in All()) c.Drop();
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
