using Monitor.Probes;
using Monitor.Probes.Pulse;
using Monitor.Worker.Exporter;

namespace Monitor.Worker.Value;

/// <summary>Registers the value measurement: its settings, stores, metrics and the campaigns' question-set choice.</summary>
public static class ValueExtensions
{
    public static WebApplicationBuilder AddValue(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<ValueOptions, ValueOptionsValidator>(builder.Configuration, ValueOptions.Section);
        services.AddSingleton<ValueRepository>();
        services.AddSingleton<CampaignRepository>();
        services.AddSingleton<IQuestionSetChooser, CampaignQuestionSetChooser>();
        services.AddMetricsContributor<ValueMetrics>();
        return builder;
    }
}
