using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Monitor.Probes;

/// <summary>
/// Settings are bound strictly (an unknown key is an error) and validated before anything reads them. Every
/// problem, a misspelt key and a value that does not parse included, surfaces as an
/// <see cref="OptionsValidationException"/> naming the key, which the CLI turns into exit code 2.
/// </summary>
public static class ValidatedOptions
{
    /// <summary>Binds <paramref name="section"/> onto <typeparamref name="TOptions"/> and validates it when the host starts.</summary>
    public static IServiceCollection AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services,
        IConfiguration configuration, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().Configure(o => BindStrictly(configuration, section, o)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        services.AddSingleton(new SettingsSection(section));
        return services;
    }

    /// <summary>Same, with a validator instance (e.g. one that knows its section).</summary>
    public static IServiceCollection AddValidatedOptions<TOptions>(this IServiceCollection services,
        IConfiguration configuration, string section, IValidateOptions<TOptions> validator)
        where TOptions : class
    {
        services.AddOptions<TOptions>().Configure(o => BindStrictly(configuration, section, o)).ValidateOnStart();
        services.AddSingleton(validator);
        services.AddSingleton(new SettingsSection(section));
        return services;
    }

    /// <summary>Same, bound from the host's configuration as the container holds it (for one-line registrations).</summary>
    public static IServiceCollection AddValidatedOptions<TOptions>(this IServiceCollection services, string section,
        IValidateOptions<TOptions> validator)
        where TOptions : class
    {
        services.AddOptions<TOptions>().Configure<IConfiguration>((o, c) => BindStrictly(c, section, o)).ValidateOnStart();
        services.AddSingleton(validator);
        services.AddSingleton(new SettingsSection(section));
        return services;
    }

    /// <summary>
    /// Binds and validates now, for the one setting the host needs while it is being composed (which job
    /// store Quartz uses). Throws <see cref="OptionsValidationException"/> with every failure.
    /// </summary>
    public static TOptions Read<TOptions>(IConfiguration configuration, string section, IValidateOptions<TOptions> validator)
        where TOptions : class, new()
    {
        var options = new TOptions();
        BindStrictly(configuration, section, options);
        var result = validator.Validate(Options.DefaultName, options);
        if (result.Failed) throw new OptionsValidationException(Options.DefaultName, typeof(TOptions), result.Failures);
        return options;
    }

    private static void BindStrictly<TOptions>(IConfiguration configuration, string section, TOptions options)
        where TOptions : class
    {
        try
        {
            configuration.GetSection(section).Bind(options, b => b.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            // The binder's own words name the key (a misspelt key, a value that does not parse).
            var reason = e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message;
            throw new SettingsBindingException(typeof(TOptions), [$"{section}: {reason}"]);
        }
    }
}

/// <summary>A setting the binder could not take: an unknown key, or a value that does not parse.</summary>
public sealed class SettingsBindingException(Type optionsType, IEnumerable<string> failures)
    : OptionsValidationException(Options.DefaultName, optionsType, failures);
