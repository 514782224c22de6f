using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Monitor.Core.Ports;
using Monitor.Probes.Tickets.Sentiment;
using Monitor.Probes.Tickets.Webhooks;

namespace Monitor.Probes.Tickets;

/// <summary>
/// The one list of ticket systems. Registration, configuration binding, validation, probe names and the webhook
/// route all read it; adding a system is a connector file, its options, a line here and its tests.
/// </summary>
public static class TicketSystems
{
    public static readonly TicketSystem Jira = TicketSystem.Create<JiraOptions, JiraConnector>("jira", "Jira", "Jira Service Management");
    public static readonly TicketSystem ServiceNow =
        TicketSystem.Create<ServiceNowOptions, ServiceNowConnector>("servicenow", "ServiceNow", "ServiceNow");
    public static readonly TicketSystem Zendesk = TicketSystem.Create<ZendeskOptions, ZendeskConnector>("zendesk", "Zendesk", "Zendesk");
    public static readonly TicketSystem Freshservice =
        TicketSystem.Create<FreshserviceOptions, FreshserviceConnector>("freshservice", "Freshservice", "Freshservice");
    public static readonly TicketSystem Glpi = TicketSystem.Create<GlpiOptions, GlpiConnector>("glpi", "Glpi", "GLPI");

    public static IReadOnlyList<TicketSystem> All { get; } = [Jira, ServiceNow, Zendesk, Freshservice, Glpi];

    public static TicketSystem? Find(string key) =>
        All.FirstOrDefault(s => string.Equals(s.Key, key, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Binds and validates (on start) <c>Tickets:&lt;System&gt;</c> for every system and adds one catalogue entry
    /// per system, named <c>tickets_&lt;system&gt;</c> and scheduled only when its validated options enable it;
    /// also the production text path (sentiment analyser and cleaner) and the webhook handler
    /// (<c>Tickets:Webhook</c>). Expects ISignalSink, IUserLookup and IWatermarkStore in the container.
    /// </summary>
    public static IServiceCollection AddTicketProbes(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ISentimentAnalyser>(_ => SentimentAnalysers.ForLanguage("en"));
        services.TryAddSingleton<ITicketTextExtractor, CleaningTicketTextExtractor>();
        services.TryAddSingleton<TicketSignalMapper>();
        foreach (var system in All) system.Register(services, configuration);
        services.AddValidatedOptions<TicketWebhookOptions, TicketWebhookOptionsValidator>(configuration, TicketWebhookOptions.Section);
        services.TryAddSingleton<TicketWebhookHandler>();
        return services;
    }
}

/// <summary>One entry of the catalogue: keys, names and how to register the system.</summary>
public sealed class TicketSystem
{
    private TicketSystem(string key, string section, string displayName, Action<TicketSystem, IServiceCollection, IConfiguration> register)
    {
        Key = key;
        Section = section;
        DisplayName = displayName;
        _register = register;
    }

    private readonly Action<TicketSystem, IServiceCollection, IConfiguration> _register;

    /// <summary>Lower-case key used in probe names, signal sources and the webhook route.</summary>
    public string Key { get; }

    /// <summary>The configuration section under <c>Tickets</c>.</summary>
    public string Section { get; }

    public string DisplayName { get; }

    public string SectionPath => "Tickets:" + Section;

    public string ProbeName => "tickets_" + Key;

    public string HttpClientName => ProbeName;

    internal void Register(IServiceCollection services, IConfiguration configuration) => _register(this, services, configuration);

    internal static TicketSystem Create<TOptions, TConnector>(string key, string section, string displayName)
        where TOptions : TicketSystemOptions
        where TConnector : TicketConnectorBase<TOptions>
        => new(key, section, displayName, static (system, services, configuration) =>
        {
            services.AddValidatedOptions(configuration, system.SectionPath, new TicketSystemOptionsValidator<TOptions>(system.SectionPath));
            services.AddHttpClient(system.HttpClientName);
            services.AddKeyedSingleton<ITicketConnector>(system.Key, (sp, _) =>
                ActivatorUtilities.CreateInstance<TConnector>(sp, system, sp.GetRequiredService<IOptions<TOptions>>().Value));
            services.AddProbe(new ProbeDefinition(system.ProbeName,
                sp => sp.GetRequiredService<IOptions<TOptions>>().Value is { Enabled: true } o ? new JobSchedule.Cron(o.Schedule) : null,
                sp => new TicketProbe(
                    sp.GetRequiredKeyedService<ITicketConnector>(system.Key),
                    sp.GetRequiredService<IOptions<TOptions>>().Value,
                    sp.GetRequiredService<ISignalSink>(),
                    sp.GetRequiredService<IUserLookup>(),
                    sp.GetRequiredService<IWatermarkStore>(),
                    sp.GetRequiredService<TicketSignalMapper>(),
                    sp.GetRequiredService<ILogger<TicketProbe>>(),
                    sp.GetRequiredService<TimeProvider>())));
        });
}
