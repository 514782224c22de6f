using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Monitor.Core.Ports;
using Monitor.Probes;
using Monitor.Probes.Tickets;
using Monitor.Probes.Tickets.Sentiment;
using Monitor.Probes.Tickets.Webhooks;
using NUnit.Framework;

namespace Monitor.Tests.Tickets;

/// <summary>Bad settings, each paired with the exact messages start-up reports (like blackbox_exporter's testdata).</summary>
public sealed class TicketOptionsValidationTests
{
    private static readonly Dictionary<string, string?> ValidJira = new()
    {
        ["Tickets:Jira:Enabled"] = "true",
        ["Tickets:Jira:BaseUrl"] = "https://example.atlassian.net",
        ["Tickets:Jira:Email"] = "svc@example.com",
        ["Tickets:Jira:ApiToken"] = "token",
    };

    private static IEnumerable<TestCaseData> InvalidSettings()
    {
        yield return Case("jira-missing-everything", new() { ["Tickets:Jira:Enabled"] = "true" }, typeof(JiraOptions),
            "Tickets:Jira:BaseUrl must be an absolute http(s) URL without a query or a fragment",
            "Tickets:Jira:Email is required",
            "Tickets:Jira:ApiToken is required");
        yield return Case("jira-bad-schedule-and-page-size", With(ValidJira, ("Tickets:Jira:Schedule", "every 10 minutes"), ("Tickets:Jira:PageSize", "500")),
            typeof(JiraOptions),
            "Tickets:Jira:Schedule 'every 10 minutes' is not a valid Quartz cron expression that fires",
            "Tickets:Jira:PageSize must be between 1 and 100");
        yield return Case("jira-retry-settings", With(ValidJira, ("Tickets:Jira:MaxRetryAfter", "00:00:00"), ("Tickets:Jira:MaxRetryAttempts", "11"),
                ("Tickets:Jira:RequestsPerSecond", "0")), typeof(JiraOptions),
            "Tickets:Jira:MaxRetryAfter must be more than 0 and at most 01:00:00",
            "Tickets:Jira:MaxRetryAttempts must be between 0 and 10",
            "Tickets:Jira:RequestsPerSecond must be at least 1");
        yield return Case("servicenow-ftp-url", new()
            {
                ["Tickets:ServiceNow:Enabled"] = "true", ["Tickets:ServiceNow:BaseUrl"] = "ftp://instance.example.com",
                ["Tickets:ServiceNow:Username"] = "svc", ["Tickets:ServiceNow:Password"] = "",
            }, typeof(ServiceNowOptions),
            "Tickets:ServiceNow:BaseUrl must be an absolute http(s) URL without a query or a fragment",
            "Tickets:ServiceNow:Password is required");
        yield return Case("zendesk-relative-url", new()
            {
                ["Tickets:Zendesk:Enabled"] = "true", ["Tickets:Zendesk:BaseUrl"] = "/api/v2",
                ["Tickets:Zendesk:Email"] = "svc@example.com", ["Tickets:Zendesk:ApiToken"] = "t",
            }, typeof(ZendeskOptions),
            "Tickets:Zendesk:BaseUrl must be an absolute http(s) URL without a query or a fragment");
        yield return Case("freshservice-page-size-zero", new()
            {
                ["Tickets:Freshservice:Enabled"] = "true", ["Tickets:Freshservice:BaseUrl"] = "https://x.freshservice.com",
                ["Tickets:Freshservice:PageSize"] = "0",
            }, typeof(FreshserviceOptions),
            "Tickets:Freshservice:ApiKey is required",
            "Tickets:Freshservice:PageSize must be between 1 and 100");
        yield return Case("glpi-missing-app-token", new()
            {
                ["Tickets:Glpi:Enabled"] = "true", ["Tickets:Glpi:BaseUrl"] = "http://glpi.example.com", ["Tickets:Glpi:UserToken"] = "u",
            }, typeof(GlpiOptions),
            "Tickets:Glpi:AppToken is required");
        yield return Case("webhook-short-secret", new() { ["Tickets:Webhook:Secret"] = "short" }, typeof(TicketWebhookOptions),
            "Tickets:Webhook:Secret must be at least 16 characters other than spaces");
    }

    [TestCaseSource(nameof(InvalidSettings))]
    public void Invalid_settings_are_reported_with_their_full_keys(Dictionary<string, string?> settings, Type optionsType, string[] expected)
    {
        using var provider = Build(settings);

        var error = Assert.Throws<OptionsValidationException>(() => Resolve(provider, optionsType))!;

        Assert.That(error.Failures, Is.EqualTo(expected));
    }

    [Test]
    public void A_disabled_system_is_not_validated_and_registers_no_probe()
    {
        using var provider = Build(new() { ["Tickets:Jira:Enabled"] = "false", ["Tickets:Jira:BaseUrl"] = "nonsense" });

        Assert.DoesNotThrow(() => Resolve(provider, typeof(JiraOptions)));
        Assert.That(Schedules(provider), Is.Empty);
    }

    /// <summary>
    /// What the worker schedules from: the catalogue entry's schedule, resolved from the validated options.
    /// </summary>
    [Test]
    public void A_valid_enabled_system_registers_one_probe_with_its_schedule()
    {
        using var provider = Build(With(ValidJira, ("Tickets:Jira:Schedule", "0 0/5 * * * ?")));

        var (name, schedule) = Schedules(provider).Single();
        var probe = provider.GetServices<ProbeDefinition>().Single(d => d.Name == name).Create(provider);

        Assert.That(name, Is.EqualTo("tickets_jira"));
        Assert.That(provider.GetServices<ProbeDefinition>().Single(d => d.Name == name).IsProbe, Is.True);
        Assert.That(schedule, Is.EqualTo(new JobSchedule.Cron("0 0/5 * * * ?")));
        Assert.That(probe.Name, Is.EqualTo("tickets_jira"));
    }

    /// <summary>What the worker schedules: the catalogue entries whose schedule, read from validated options, is set.</summary>
    private static List<(string Name, JobSchedule Schedule)> Schedules(IServiceProvider provider) =>
        [.. provider.GetServices<ProbeDefinition>().Select(d => (d.Name, Schedule: d.Schedule(provider)))
            .Where(x => x.Schedule is not null).Select(x => (x.Name, x.Schedule!))];

    [Test]
    public void A_misspelt_key_is_rejected()
    {
        using var provider = Build(With(ValidJira, ("Tickets:Jira:ApiTokn", "x")));

        var error = Assert.Throws<SettingsBindingException>(() => Resolve(provider, typeof(JiraOptions)))!;

        Assert.That(error.Failures.Single(), Does.Contain("Tickets:Jira").And.Contain("ApiTokn"));
    }

    private static object Resolve(IServiceProvider provider, Type optionsType)
    {
        var type = typeof(IOptions<>).MakeGenericType(optionsType);
        try
        {
            return type.GetProperty("Value")!.GetValue(provider.GetRequiredService(type))!;
        }
        catch (TargetInvocationException e)
        {
            ExceptionDispatchInfo.Throw(e.InnerException!);
            throw;
        }
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<ISignalSink>(new InMemorySignalSink());
        services.AddSingleton<IUserLookup>(new InMemoryUserLookup());
        services.AddSingleton<IWatermarkStore>(new InMemoryWatermarkStore());
        services.AddSingleton<ISentimentAnalyser, TestSentimentAnalyser>();
        services.AddTicketProbes(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services.BuildServiceProvider();
    }

    private static Dictionary<string, string?> With(Dictionary<string, string?> baseline, params (string Key, string Value)[] changes)
    {
        var copy = new Dictionary<string, string?>(baseline);
        foreach (var (key, value) in changes) copy[key] = value;
        return copy;
    }

    private static TestCaseData Case(string name, Dictionary<string, string?> settings, Type optionsType, params string[] expected) =>
        new TestCaseData(settings, optionsType, expected).SetName(name);
}
