using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Monitor.Probes.Pulse.Channels;

/// <summary>The options of a pulse channel: their configuration section and their checks.</summary>
public interface IPulseChannelOptions
{
    /// <summary>The configuration section the options bind from, e.g. <c>Mail</c>.</summary>
    static abstract string Section { get; }

    /// <summary>Every problem with the settings, each naming its full key (<c>Section:Key</c>); empty when valid.</summary>
    IEnumerable<string> Validate();
}

public static class PulseChannelRegistration
{
    /// <summary>
    /// Registers a delivery channel in one line: its options bound from <c>TOptions.Section</c> (unknown keys
    /// refused) and validated at start-up, and the channel itself, selectable by <c>Pulse:Channel</c>.
    /// </summary>
    public static IServiceCollection AddPulseChannel<TChannel, TOptions>(this IServiceCollection services)
        where TChannel : class, IPulseChannel
        where TOptions : class, IPulseChannelOptions
    {
        services.AddValidatedOptions(TOptions.Section, new ChannelOptionsValidator<TOptions>());
        services.AddSingleton<TChannel>();
        services.AddSingleton<IPulseChannel>(sp => sp.GetRequiredService<TChannel>());
        return services;
    }

    private sealed class ChannelOptionsValidator<TOptions> : IValidateOptions<TOptions>
        where TOptions : class, IPulseChannelOptions
    {
        public ValidateOptionsResult Validate(string? name, TOptions options)
        {
            var failures = options.Validate().ToList();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
