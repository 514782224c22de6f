using Microsoft.Extensions.Options;
using Monitor.Core.Ports;
using Monitor.Probes.Pulse;
using Monitor.Probes;

namespace Monitor.Worker.Pulse;

/// <summary>Registers the pulse probe, its mail outbox and its public pages.</summary>
public static class PulseExtensions
{
    public static WebApplicationBuilder AddPulse(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<PulseOptions, PulseOptionsValidator>(builder.Configuration, PulseOptions.Section);
        services.AddValidatedOptions<MailOptions, MailOptionsValidator>(builder.Configuration, MailOptions.Section);
        services.AddSingleton<PulseRepository>();
        // The outbox drains even when the probe is off: what was queued still goes out.
        services.AddHostedService<OutboxSender>();

        var pulse = builder.Configuration.GetSection(PulseOptions.Section).Get<PulseOptions>() ?? new PulseOptions();
        if (!pulse.CanSign) return builder;
        services.AddSingleton(sp => new PulseTokenCodec(sp.GetRequiredService<IOptions<PulseOptions>>().Value.SigningKeys));
        services.AddSingleton(sp => new PulseLinks(sp.GetRequiredService<PulseTokenCodec>(), sp.GetRequiredService<IOptions<PulseOptions>>().Value));
        services.AddSingleton(sp => new PulseMail(sp.GetRequiredService<PulseLinks>(),
            sp.GetRequiredService<IOptions<PulseOptions>>().Value, sp.GetRequiredService<IOptions<MailOptions>>().Value));
        services.AddSingleton<PulseService>();
        services.AddSingleton<PulsePageContext>();
        services.AddProbe<PulseProbe, PulseOptions>(PulseProbe.ProbeName, o => o.Enabled ? new JobSchedule.Cron(o.Cron) : null);
        return builder;
    }

    public static WebApplication MapPulse(this WebApplication app)
    {
        if (app.Services.GetService<PulseTokenCodec>() is null)
        {
            app.Logger.LogWarning("Pulse probe disabled: {Key} is empty. Set at least one random key of 32+ characters to send pulses and serve their links",
                $"{PulseOptions.Section}:{nameof(PulseOptions.SigningKeys)}");
            return app;
        }
        if (!app.Services.GetRequiredService<IOptions<PulseOptions>>().Value.Enabled)
            app.Logger.LogInformation("Pulse probe not scheduled ({Key} is false); pulse links keep working", $"{PulseOptions.Section}:{nameof(PulseOptions.Enabled)}");
        app.MapPulseEndpoints();
        return app;
    }
}
