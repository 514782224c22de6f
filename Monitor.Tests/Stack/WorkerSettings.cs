using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Monitor.Probes;
using Monitor.Worker;

namespace Monitor.Tests.Stack;

/// <summary>
/// Asks the worker which configuration keys it reads: composes it in process as <see cref="Cli.BuildApp"/> does, with
/// the given settings in a configuration source that records every key looked up, then binds every options type it
/// registered (binding rejects unknown keys inside a bound section; the record shows which sections it reads at all).
/// </summary>
public static class WorkerSettings
{
    /// <summary>The keys of <paramref name="settings"/> (':'-separated) that the worker never looks up.</summary>
    public static IReadOnlyList<string> Unread(IReadOnlyDictionary<string, string> settings)
    {
        var source = new RecordingSource(settings);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        ((IConfigurationBuilder)builder.Configuration).Add(source);
        builder.AddMonitor();
        var optionsTypes = builder.Services
            .Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IConfigureOptions<>))
            .Select(d => d.ServiceType.GetGenericArguments()[0])
            .Distinct()
            .ToList();
        using var app = builder.Build();
        foreach (var type in optionsTypes)
        {
            var options = app.Services.GetRequiredService(typeof(IOptions<>).MakeGenericType(type));
            try
            {
                _ = options.GetType().GetProperty(nameof(IOptions<object>.Value))!.GetValue(options);
            }
            catch (TargetInvocationException e) when (e.InnerException is OptionsValidationException and not SettingsBindingException)
            {
                // Bound, then refused for its values (paths of the image, hosts of compose): the keys were read.
            }
            catch (TargetInvocationException e)
            {
                // A key the binder does not know inside a section it binds: say which.
                ExceptionDispatchInfo.Throw(e.InnerException!);
            }
        }
        return [.. settings.Keys.Where(k => !source.Read.ContainsKey(k))];
    }

    private sealed class RecordingSource(IReadOnlyDictionary<string, string> settings) : IConfigurationSource
    {
        public ConcurrentDictionary<string, bool> Read { get; } = new(StringComparer.OrdinalIgnoreCase);

        public IConfigurationProvider Build(IConfigurationBuilder builder) => new RecordingProvider(this, settings);

        private sealed class RecordingProvider(RecordingSource owner, IReadOnlyDictionary<string, string> settings)
            : MemoryConfigurationProvider(new MemoryConfigurationSource
            {
                InitialData = settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)),
            })
        {
            public override bool TryGet(string key, out string? value)
            {
                owner.Read[key] = true;
                return base.TryGet(key, out value);
            }
        }
    }
}
