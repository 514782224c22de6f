using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
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

    // The configuration each options object was bound from, so that a validator can name a list's element by its key.
    private static readonly ConditionalWeakTable<object, IConfiguration> BoundFrom = new();

    /// <summary>
    /// The configuration key of element <paramref name="index"/> of the list at <paramref name="listKey"/> (a full path,
    /// <c>Pulse:SigningKeys</c>) as <paramref name="options"/> was bound. The binder packs a list's elements in key order,
    /// so the index alone is not the key: <c>Pulse:SigningKeys:1</c> set alone is element 0. Options not bound from
    /// configuration (built in code) are named by the index.
    /// </summary>
    public static string ElementKey(object options, string listKey, int index) =>
        BoundFrom.TryGetValue(options, out var configuration) &&
        configuration.GetSection(listKey).GetChildren().ElementAtOrDefault(index) is { } element
            ? element.Path
            : $"{listKey}:{index}";

    private static void BindStrictly<TOptions>(IConfiguration configuration, string section, TOptions options)
        where TOptions : class
    {
        BoundFrom.AddOrUpdate(options, configuration);
        try
        {
            configuration.GetSection(section).Bind(options, b => b.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            // A misspelt key is named by its full path (the binder names only the type); otherwise the binder's own words
            // name the key (a value that does not parse).
            var unknown = new List<string>();
            FindUnknownKeys(configuration.GetSection(section), typeof(TOptions), unknown, depth: 0);
            if (unknown.Count > 0) throw new SettingsBindingException(typeof(TOptions), unknown);
            var reason = e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message;
            throw new SettingsBindingException(typeof(TOptions), [$"{section}: {reason}"]);
        }
        var misread = new List<string>();
        FindMisreadValues(configuration.GetSection(section), typeof(TOptions), misread, depth: 0);
        if (misread.Count > 0) throw new SettingsBindingException(typeof(TOptions), misread);
    }

    // Values the binder takes but reads otherwise than meant. .NET reads "25:00:00" as 25 days (an hours part over 23
    // becomes days), so "36:00:00" meant as a day and a half is 36 days: a duration written h:mm:ss with more than 23 hours
    // is refused (days are written d.hh:mm:ss). And a blank time of day binds as midnight: refused too.
    private static readonly Regex HoursOverDay = new(@"^\s*-?(?<h>\d+):\d+:\d+(\.\d+)?\s*$", RegexOptions.CultureInvariant);

    // A settings class nested in another (Mail:Smtp): walked into; strings and lists are values.
    private static bool IsNested(Type t) => t.IsClass && t != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(t);

    private static void FindUnknownKeys(IConfigurationSection section, Type type, List<string> failures, int depth)
    {
        if (depth > 4) return;
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance);
        foreach (var child in section.GetChildren())
        {
            var property = properties.FirstOrDefault(p => string.Equals(p.Name, child.Key, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                var known = properties.Where(p => p.CanWrite).Select(p => p.Name).Order();
                failures.Add($"{child.Path} is not a setting the worker reads (known here: {string.Join(", ", known)}).");
            }
            else if (IsNested(property.PropertyType))
            {
                FindUnknownKeys(child, property.PropertyType, failures, depth + 1);
            }
        }
    }

    private static void FindMisreadValues(IConfigurationSection section, Type type, List<string> failures, int depth)
    {
        if (depth > 4) return;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanWrite && property.PropertyType.IsValueType) continue;
            var child = section.GetSection(property.Name);
            var t = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (t == typeof(TimeSpan))
            {
                if (child.Value is { } v && HoursOverDay.Match(v) is { Success: true } m && long.TryParse(m.Groups["h"].Value, out var h) && h > 23)
                {
                    failures.Add($"{child.Path} '{v.Trim()}' would be read as {h} days: write a duration as [d.]hh:mm:ss with hours " +
                                 $"0 to 23 (e.g. {TimeSpan.FromHours(Math.Min(h, 99_999)):c}).");
                }
            }
            else if (t == typeof(TimeOnly))
            {
                if (child.Value is { } v && string.IsNullOrWhiteSpace(v))
                    failures.Add($"{child.Path} is blank: leave it out, or give a time of day (hh:mm).");
            }
            else if (IsNested(t) && child.Exists())
            {
                FindMisreadValues(child, t, failures, depth + 1);
            }
        }
    }
}

/// <summary>A setting the binder could not take: an unknown key, or a value that does not parse.</summary>
public sealed class SettingsBindingException(Type optionsType, IEnumerable<string> failures)
    : OptionsValidationException(Options.DefaultName, optionsType, failures);
