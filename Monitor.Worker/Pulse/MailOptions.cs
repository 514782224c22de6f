using MailKit.Security;
using MimeKit;
using Monitor.Probes.Pulse.Channels;

namespace Monitor.Worker.Pulse;

/// <summary>How pulses leave: SMTP when <c>Mail:Smtp:Host</c> is set, else .eml files in a pickup folder. Bound from <c>Mail</c>.</summary>
public sealed class MailOptions : IPulseChannelOptions
{
    public const string Section = "Mail";

    static string IPulseChannelOptions.Section => Section;

    public string From { get; set; } = "IT satisfaction pulse <pulse@localhost>";

    /// <summary>Where .eml files go when no SMTP host is set (the first-run default).</summary>
    public string PickupDirectory { get; set; } = "mail-pickup";

    public SmtpOptions Smtp { get; set; } = new();

    public OutboxOptions Outbox { get; set; } = new();

    public MailboxAddress FromAddress() => MailboxAddress.Parse(From);

    /// <summary>Every problem with the mail settings, each naming its full key.</summary>
    public IEnumerable<string> Validate()
    {
        const string s = Section;
        var failures = new List<string>();
        if (!MailboxAddress.TryParse(From, out var from) || !from.Address.Contains('@', StringComparison.Ordinal))
            failures.Add($"{s}:{nameof(From)} must be an e-mail address, e.g. \"IT pulse <pulse@example.com>\" (got '{From}').");
        if (string.IsNullOrWhiteSpace(Smtp.Host) && string.IsNullOrWhiteSpace(PickupDirectory))
            failures.Add($"{s}:{nameof(PickupDirectory)} is required when {s}:Smtp:Host is not set.");
        else if (string.IsNullOrWhiteSpace(Smtp.Host) && PickupFolder.Unwritable(PickupDirectory) is { } why)
            failures.Add($"{s}:{nameof(PickupDirectory)} '{Path.GetFullPath(PickupDirectory)}' cannot be written: {why}");
        // A host is a name or an address alone: the port, scheme and security have keys of their own.
        // (Underscores are taken: container networks resolve names like mail_relay.)
        if (Smtp.Host is { Length: > 0 } host && Uri.CheckHostName(host) == UriHostNameType.Unknown &&
            !host.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
            failures.Add($"{s}:Smtp:{nameof(SmtpOptions.Host)} must be a host name or an IP address, without port or scheme " +
                         $"(got '{host}'; the port is {s}:Smtp:{nameof(SmtpOptions.Port)}).");
        if (!Enum.IsDefined(Smtp.Security))
            failures.Add($"{s}:Smtp:{nameof(SmtpOptions.Security)} must be one of {string.Join(", ", Enum.GetNames<SecureSocketOptions>())} " +
                         $"(got {Smtp.Security}).");
        if (Smtp.Port is < 1 or > 65535) failures.Add($"{s}:Smtp:{nameof(SmtpOptions.Port)} must be in [1, 65535] (got {Smtp.Port}).");
        if (!string.IsNullOrEmpty(Smtp.User) && string.IsNullOrWhiteSpace(Smtp.Password))
            failures.Add($"{s}:Smtp:{nameof(SmtpOptions.Password)} is required when {s}:Smtp:{nameof(SmtpOptions.User)} is set.");
        // The bounds below keep every wait within what timers take (about 24 days) and within reason.
        Within(Smtp.Timeout, TimeSpan.FromMinutes(10), $"{s}:Smtp:{nameof(SmtpOptions.Timeout)}");
        if (Outbox.BatchSize is < 1 or > 1000) failures.Add($"{s}:Outbox:{nameof(OutboxOptions.BatchSize)} must be in [1, 1000].");
        if (Outbox.ClaimSize is < 1 or > 5000) failures.Add($"{s}:Outbox:{nameof(OutboxOptions.ClaimSize)} must be in [1, 5000].");
        if (Outbox.Connections is < 1 or > 16)
            failures.Add($"{s}:Outbox:{nameof(OutboxOptions.Connections)} must be in [1, 16] (got {Outbox.Connections}).");
        Within(Outbox.PollInterval, TimeSpan.FromMinutes(10), $"{s}:Outbox:{nameof(OutboxOptions.PollInterval)}");
        if (Outbox.Lease < TimeSpan.FromSeconds(5) || Outbox.Lease > TimeSpan.FromHours(1))
            failures.Add($"{s}:Outbox:{nameof(OutboxOptions.Lease)} must be between 00:00:05 and 01:00:00 (got {Outbox.Lease}).");
        Within(Outbox.MaxBackoff, TimeSpan.FromDays(1), $"{s}:Outbox:{nameof(OutboxOptions.MaxBackoff)}");
        return failures;

        void Within(TimeSpan value, TimeSpan atMost, string key)
        {
            if (value <= TimeSpan.Zero || value > atMost) failures.Add($"{key} must be positive and at most {atMost} (got {value}).");
        }
    }
}

public sealed class SmtpOptions
{
    public string? Host { get; set; }

    public int Port { get; set; } = 25;

    /// <summary>MailKit's choice: None, Auto, SslOnConnect, StartTls, StartTlsWhenAvailable.</summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.StartTlsWhenAvailable;

    public string? User { get; set; }

    public string? Password { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// The transactional outbox's sender, for every channel. (Under <c>Mail:Outbox</c> because e-mail was the first
/// channel; the keys stay where operators already set them.)
/// </summary>
public sealed class OutboxOptions
{
    /// <summary>
    /// Messages marked sent at a time: a sender killed outright (kill -9) sends at most this many again after its lease.
    /// </summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>
    /// Messages claimed at a time (one lease), sent and marked <see cref="BatchSize"/> at a time: fewer claims per message
    /// without more duplicates after a crash. A claim is never smaller than <see cref="BatchSize"/>.
    /// </summary>
    public int ClaimSize { get; set; } = 200;

    /// <summary>
    /// Send loops per replica, each claiming its own batches and sending them over its own connection (SMTP): while one waits
    /// for the mail server, another works. A replica killed outright sends at most <see cref="BatchSize"/> again per loop.
    /// </summary>
    public int Connections { get; set; } = 2;

    /// <summary>How long an idle sender waits before it looks again; a dispatch in this process wakes it at once.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a claimed batch belongs to its sender without news from it; the sender renews it every third of it while
    /// it sends. A sender that died has its batch taken over by another one after this.
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Cap of the exponential backoff between attempts of one message.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(10);
}
