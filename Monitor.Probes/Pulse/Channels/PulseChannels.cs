using Microsoft.Extensions.Options;

namespace Monitor.Probes.Pulse.Channels;

/// <summary>The registered channels, by name, and the one <c>Pulse:Channel</c> chose for new pulses.</summary>
public sealed class PulseChannels(IEnumerable<IPulseChannel> channels, IOptions<PulseOptions> options)
{
    private readonly Dictionary<string, IPulseChannel> _byName = channels.ToDictionary(c => c.Name, StringComparer.Ordinal);

    public IReadOnlyCollection<string> Names => _byName.Keys;

    /// <summary>The channel of new pulses; start-up validation guarantees it is registered.</summary>
    public IPulseChannel Chosen => Find(options.Value.Channel)
        ?? throw new InvalidOperationException(
            $"{PulseOptions.Section}:{nameof(PulseOptions.Channel)} '{options.Value.Channel}' is not registered.");

    /// <summary>The channel an outbox message was rendered for; null when that channel is no longer registered.</summary>
    public IPulseChannel? Find(string name) => _byName.GetValueOrDefault(name);
}

/// <summary>Refuses a <c>Pulse:Channel</c> that names no registered channel.</summary>
public sealed class PulseChannelValidator(IEnumerable<IPulseChannel> channels) : IValidateOptions<PulseOptions>
{
    public ValidateOptionsResult Validate(string? name, PulseOptions options)
    {
        var names = channels.Select(c => c.Name).ToList();
        return names.Contains(options.Channel, StringComparer.Ordinal)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{PulseOptions.Section}:{nameof(PulseOptions.Channel)} '{options.Channel}' is not a registered channel " +
                $"(registered: {string.Join(", ", names.Order(StringComparer.Ordinal))}).");
    }
}
