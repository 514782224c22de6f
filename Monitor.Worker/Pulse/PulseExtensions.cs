using Microsoft.Extensions.Options;
using Monitor.Core.Ports;
using Monitor.Probes;
using Monitor.Probes.Pulse;
using Monitor.Probes.Pulse.Channels;
using Monitor.Worker.Exporter;
using Monitor.Worker.Storage;

namespace Monitor.Worker.Pulse;

/// <summary>Registers the pulse probe, its store, its channels and outbox sender, and its public pages.</summary>
public static class PulseExtensions
{
    /// <summary>
    /// Everything is registered whatever the settings; what needs a signing key (the token codec and all that
    /// signs or checks links) is built from the validated options when first used, which only happens with a key.
    /// </summary>
    public static WebApplicationBuilder AddPulse(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<PulseOptions, PulseOptionsValidator>(builder.Configuration, PulseOptions.Section);
        services.AddSingleton<IValidateOptions<PulseOptions>, PulseChannelValidator>();

        services.AddSingleton<OutboxWakeup>();
        services.AddSingleton<PulseRepository>();
        // The directory port only the pulse uses; beside the other storage ports it would read as well.
        services.AddSingleton<IUserDirectory>(sp => sp.GetRequiredService<UserRepository>());
        services.AddSingleton<IPulseStore>(sp => sp.GetRequiredService<PulseRepository>());
        services.AddSingleton<IOutboxStore>(sp => sp.GetRequiredService<PulseRepository>());

        services.AddPulseChannel<EmailChannel, MailOptions>();
        services.AddSingleton<PulseChannels>();
        // The outbox drains even when the probe is off: what was queued still goes out.
        // The composer signs links, so it is built when a pulse is first rendered: the outbox drains without a signing key too.
        services.AddSingleton(sp => new OutboxPulseRenderer(sp.GetRequiredService<PulseRepository>(), sp.GetRequiredService<UserRepository>(),
            sp.GetRequiredService<PulseComposer>, sp.GetRequiredService<PulseChannels>(), sp.GetRequiredService<ILogger<OutboxPulseRenderer>>()));
        services.AddHostedService<OutboxSender>();
        services.AddHostedService<PulseDispatchRecovery>();
        services.AddSingleton<IPulseDispatchLock, PulseDispatchLock>();
        services.AddSingleton<PulseRunNow>();
        services.AddHostedService(sp => sp.GetRequiredService<PulseRunNow>());

        services.AddSingleton(sp => new PulseTokenCodec(Pulse(sp).SigningKeys));
        services.AddSingleton(sp => new PulseLinks(sp.GetRequiredService<PulseTokenCodec>(), Pulse(sp)));
        services.AddLocalization();
        services.AddSingleton<PulseTexts>();
        services.AddSingleton<PulseFeedbackRepository>();
        services.AddSingleton<IPulseFeedbackStore>(sp => sp.GetRequiredService<PulseFeedbackRepository>());
        services.AddMetricsContributor<PulseFeedbackMetrics>();
        // The footer says who sees the answer in the privacy mode the monitor runs in.
        services.AddSingleton(sp => new PulseComposer(sp.GetRequiredService<PulseLinks>(), Pulse(sp), sp.GetRequiredService<PulseTexts>(),
            sp.GetRequiredService<Privacy.PrivacyPolicy>().Mode, sp.GetRequiredService<Privacy.PrivacyPolicy>().Options.MinGroupSize));
        services.AddSingleton<PulseService>();
        services.AddSingleton<PulseResponses>();
        services.AddProbe<PulseProbe, PulseOptions>(PulseProbe.ProbeName,
            o => o.Enabled && o.CanSign ? new JobSchedule.Cron(o.Cron) : null);
        return builder;
    }

    /// <summary>Runs after start-up validation, so it reads the validated options.</summary>
    public static WebApplication MapPulse(this WebApplication app)
    {
        var options = Pulse(app.Services);
        if (!options.CanSign)
        {
            app.Logger.LogWarning(
                "Pulse probe disabled: {Key} is empty. Set at least one random key of 32+ characters to send pulses and serve their links",
                $"{PulseOptions.Section}:{nameof(PulseOptions.SigningKeys)}");
            return app;
        }
        if (!options.Enabled)
        {
            app.Logger.LogInformation("Pulse probe not scheduled ({Key} is false); pulse links keep working",
                $"{PulseOptions.Section}:{nameof(PulseOptions.Enabled)}");
        }
        app.MapPulseEndpoints();
        return app;
    }

    private static PulseOptions Pulse(IServiceProvider services) => services.GetRequiredService<IOptions<PulseOptions>>().Value;
}
