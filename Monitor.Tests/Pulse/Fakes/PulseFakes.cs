using Monitor.Core.Ports;
using Monitor.Core.Pulses;
using Monitor.Core.Signals;
using Monitor.Core.Users;
using Monitor.Probes.Pulse;
using Monitor.Probes.Pulse.Channels;

namespace Monitor.Tests.Pulse.Fakes;

/// <summary>The directory in memory; opting out changes the stored user like UserRepository does.</summary>
public sealed class InMemoryUserDirectory(params User[] users) : IUserDirectory
{
    private readonly Dictionary<string, User> _users = users.ToDictionary(u => u.Id, StringComparer.Ordinal);

    public Task<IReadOnlyList<User>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<User>>(_users.Values.OrderBy(u => u.Id, StringComparer.Ordinal).ToList());

    public Task<User?> FindAsync(string userId, CancellationToken cancellationToken) => Task.FromResult(_users.GetValueOrDefault(userId));

    public Task<User?> FindByEmailAsync(string email, CancellationToken cancellationToken) =>
        Task.FromResult(_users.Values.FirstOrDefault(u => string.Equals(u.Email, email, StringComparison.OrdinalIgnoreCase)));

    public Task<bool> SetOptedOutAsync(string userId, bool optedOut, CancellationToken cancellationToken)
    {
        if (!_users.TryGetValue(userId, out var u)) return Task.FromResult(false);
        _users[userId] = u with { OptedOut = optedOut };
        return Task.FromResult(true);
    }
}

/// <summary>Keeps signals by (user, kind, source): a write keeps the first, a replace keeps the last, like SignalRepository.</summary>
public sealed class RecordingSignalSink : ISignalSink
{
    private readonly Dictionary<(string, string, string), Signal> _signals = [];

    public IReadOnlyList<Signal> Signals => [.. _signals.Values];

    public Task<SignalWriteResult> WriteAsync(IReadOnlyList<Signal> signals, CancellationToken cancellationToken)
    {
        var stored = signals.Count(s => _signals.TryAdd((s.UserId, s.Kind, s.Source), s));
        return Task.FromResult(new SignalWriteResult(stored, signals.Count - stored));
    }

    public Task<bool> ReplaceAsync(Signal signal, CancellationToken cancellationToken)
    {
        _signals[(signal.UserId, signal.Kind, signal.Source)] = signal;
        return Task.FromResult(true);
    }
}

/// <summary>
/// A channel that reaches users whose locale is in <see cref="Locales"/> (any when empty), renders the composed pulse as
/// one line per link, and records what it delivers; it fails the first <see cref="FailFirst"/> deliveries.
/// </summary>
public sealed class FakeChannel(string name) : IPulseChannel
{
    public string Name => name;

    public HashSet<string> Locales { get; } = [];

    public List<ComposedPulse> Rendered { get; } = [];

    public List<OutboxMessage> Delivered { get; } = [];

    public int FailFirst { get; set; }

    public bool CanReach(User user) => Locales.Count == 0 || Locales.Contains(user.Locale);

    public OutboxPayload Render(ComposedPulse pulse)
    {
        Rendered.Add(pulse);
        var links = pulse.Questions.SelectMany(q => q.Answers.Select(a => a.Url)).Append(pulse.UnsubscribeUrl);
        return new OutboxPayload($"{name}:{pulse.User.Id}", string.Join('\n', links));
    }

    public Task DeliverAsync(IReadOnlyList<OutboxMessage> batch, ICollection<OutboxMessage> delivered, CancellationToken cancellationToken)
    {
        if (FailFirst-- > 0) throw new IOException($"{name} is down");
        foreach (var m in batch)
        {
            Delivered.Add(m);
            delivered.Add(m);
        }
        return Task.CompletedTask;
    }
}
