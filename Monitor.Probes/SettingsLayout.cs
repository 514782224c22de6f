using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Monitor.Probes;

/// <summary>A configuration section some options type is bound from (recorded by <see cref="ValidatedOptions"/>).</summary>
public sealed record SettingsSection(string Path);

/// <summary>
/// The check that every configured section is one the process reads. Strict binding refuses a misspelt key
/// inside a section it binds; this refuses a misspelt section (<c>Metrcs:PseudonymiseUsers</c>, <c>Tickets:Jirra</c>),
/// which no binder ever looks at and which would otherwise leave the setting silently at its default.
/// </summary>
public sealed class SettingsLayout
{
    // Sections read by the framework rather than by an options type of ours.
    private static readonly string[] Framework = ["Logging", "AllowedHosts", "Kestrel"];

    /// <summary>Refuses, at start-up, configured sections no registered options type is bound from.</summary>
    public static IServiceCollection AddSettingsLayoutCheck(IServiceCollection services)
    {
        services.AddOptions<SettingsLayout>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<SettingsLayout>, Validator>();
        return services;
    }

    private sealed class Validator(IConfiguration configuration, IEnumerable<SettingsSection> sections) : IValidateOptions<SettingsLayout>
    {
        public ValidateOptionsResult Validate(string? name, SettingsLayout options)
        {
            var known = sections.Select(s => s.Path).Concat(Framework).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            var failures = new List<string>();
            Check(configuration.GetChildren(), known, topLevel: true, failures);
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }

        private static void Check(IEnumerable<IConfigurationSection> children, List<string> known, bool topLevel, List<string> failures)
        {
            foreach (var child in children)
            {
                var grandChildren = child.GetChildren().ToList();
                // A plain value at the top is an environment variable (PATH, HOME, DOTNET_...), not a setting.
                if (topLevel && grandChildren.Count == 0) continue;
                if (known.Contains(child.Path, StringComparer.OrdinalIgnoreCase)) continue;
                if (known.Any(k => k.StartsWith(child.Path + ":", StringComparison.OrdinalIgnoreCase)))
                {
                    Check(grandChildren, known, topLevel: false, failures);
                    continue;
                }
                var siblings = known.Select(k => Sibling(k, child.Path)).OfType<string>().Distinct().ToList();
                var nearest = siblings.MinBy(s => Distance(s, child.Key));
                failures.Add($"{child.Path} is not a setting the worker reads" +
                             (nearest is not null && Distance(nearest, child.Key) <= 2 ? $" (did you mean '{nearest}'?)" :
                                 siblings.Count > 0 ? $" (known here: {string.Join(", ", siblings.Order())})" : "") + ".");
            }
        }

        // The segment of a known path at the depth of `path`, when both share the parent.
        private static string? Sibling(string known, string path)
        {
            var k = known.Split(':');
            var p = path.Split(':');
            if (k.Length < p.Length) return null;
            for (var i = 0; i < p.Length - 1; i++)
            {
                if (!string.Equals(k[i], p[i], StringComparison.OrdinalIgnoreCase)) return null;
            }
            return k[p.Length - 1];
        }

        private static int Distance(string a, string b)
        {
            a = a.ToLowerInvariant();
            b = b.ToLowerInvariant();
            var d = new int[b.Length + 1];
            for (var j = 0; j <= b.Length; j++) d[j] = j;
            for (var i = 1; i <= a.Length; i++)
            {
                var previous = d[0];
                d[0] = i;
                for (var j = 1; j <= b.Length; j++)
                {
                    var current = d[j];
                    d[j] = Math.Min(Math.Min(d[j] + 1, d[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                    previous = current;
                }
            }
            return d[b.Length];
        }
    }
}
